import { ModelRegistryEventFilter } from '@mlreg/plugin-model-registry-node';
import { ExtensionRegistries } from '../extensions/ExtensionRegistry';

/** What modules installed into the registry, as plain JSON. */
export interface InstalledIntegrations {
  /** Event subscribers, the built-in `events-service` included. */
  subscribers: Array<{ id: string; filter?: ModelRegistryEventFilter }>;
  /** Kinds of deployment targets, e.g. `kserve`. */
  deploymentTargets: Array<{ kind: string }>;
  /** Ids of monitoring sources, e.g. `prometheus`. */
  monitoringSources: Array<{ id: string }>;
}

/** Tells what is installed through the registry's extension points. */
export class IntegrationsService {
  constructor(private readonly registries: ExtensionRegistries) {}

  /** Everything installed, each list in registration order. */
  getInstalled(): InstalledIntegrations {
    const { subscribers, deploymentTargets, monitoringSources } =
      this.registries;
    return {
      subscribers: subscribers
        .list()
        .map(({ id, filter }) => (filter ? { id, filter } : { id })),
      deploymentTargets: deploymentTargets.list().map(({ kind }) => ({ kind })),
      monitoringSources: monitoringSources.list().map(({ id }) => ({ id })),
    };
  }
}
