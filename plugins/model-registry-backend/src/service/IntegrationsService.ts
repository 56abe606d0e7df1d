import { InstalledIntegrations } from '@mlreg/plugin-model-registry-common';
import { ExtensionRegistries } from '../extensions/ExtensionRegistry';

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
