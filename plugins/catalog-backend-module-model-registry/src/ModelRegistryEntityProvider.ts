import {
  AuthService,
  LoggerService,
  SchedulerServiceTaskRunner,
} from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  DeferredEntity,
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_JIRA_PROJECT_KEY,
  ANNOTATION_MODEL_ALIASES,
  ANNOTATION_MODEL_LATEST_VERSION,
  ANNOTATION_MODEL_REGISTRY_NAME,
  ANNOTATION_SLACK_CHANNEL,
  getModelRegistryName,
  Model,
  MODEL_ENTITY_API_VERSION,
  MODEL_ENTITY_KIND,
  ModelEntityV1alpha1,
  ModelRegistryApi,
} from '@mlreg/plugin-model-registry-common';
import {
  ModelRegistryEvent,
  ModelRegistryEventType,
} from '@mlreg/plugin-model-registry-node';

const PROVIDER_NAME = 'model-registry';
const LOCATION_PREFIX = 'model-registry:';
const TASK_TYPES = new Set([
  'classification',
  'regression',
  'ranking',
  'forecasting',
  'llm',
]);
// The catalog's tag rule; registry tags may also hold '.', which it refuses.
const CATALOG_TAG = /^[a-z0-9:+#]+(-[a-z0-9:+#]+)*$/;

/** Events after which a model's catalog entity may have to change. */
const MODEL_EVENTS = new Set<ModelRegistryEventType>([
  'model.created',
  'model.updated',
  'model.archived',
  'model.restored',
  'model.deleted',
  'version.registered',
  'alias.created',
  'alias.moved',
  'alias.deleted',
]);

/**
 * Publishes a `Model` entity for every registry model that no
 * catalog-info.yaml declares: a full reconciliation on a schedule, and a
 * delta for each registry event in between.
 */
export class ModelRegistryEntityProvider implements EntityProvider {
  private connection?: EntityProviderConnection;

  constructor(
    private readonly options: {
      registry: ModelRegistryApi;
      catalog: CatalogService;
      auth: AuthService;
      logger: LoggerService;
      taskRunner: SchedulerServiceTaskRunner;
      /** Base URL of the registry API, for the entities' locations. */
      registryUrl: () => Promise<string>;
    },
  ) {}

  getProviderName(): string {
    return PROVIDER_NAME;
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.connection = connection;
    await this.options.taskRunner.run({
      id: `${PROVIDER_NAME}-entity-provider:refresh`,
      fn: async () => {
        await this.refresh();
      },
    });
  }

  /** Replaces everything this provider published with the registry's models. */
  async refresh(): Promise<number> {
    const connection = this.requireConnection();
    const token = await this.token();
    const declared = await this.declaredElsewhere();
    const registryUrl = await this.options.registryUrl();
    const entities: DeferredEntity[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.options.registry.listModels(
        { limit: 200, cursor },
        { token },
      );
      for (const model of page.items) {
        if (!declared.has(model.name))
          entities.push(this.deferred(model, registryUrl));
      }
      cursor = page.nextCursor;
    } while (cursor);
    await connection.applyMutation({ type: 'full', entities });
    this.options.logger.info(
      `Published ${entities.length} registry models to the catalog (${declared.size} declared in catalog-info files)`,
    );
    return entities.length;
  }

  /** Brings one model's entity up to date after a registry event. */
  async onRegistryEvent(event: ModelRegistryEvent): Promise<void> {
    if (!MODEL_EVENTS.has(event.type) || !event.model || !this.connection)
      return;
    const name = event.model;
    const removed = [
      {
        entityRef: `model:default/${name}`,
        locationKey: this.locationKey(name),
      },
    ];
    if (event.type === 'model.deleted' || event.type === 'model.archived') {
      await this.connection.applyMutation({
        type: 'delta',
        added: [],
        removed,
      });
      return;
    }
    if ((await this.declaredElsewhere()).has(name)) return;
    const token = await this.token();
    const model = await this.options.registry.getModel(name, { token });
    await this.connection.applyMutation({
      type: 'delta',
      added: model.archived
        ? []
        : [this.deferred(model, await this.options.registryUrl())],
      removed: model.archived ? removed : [],
    });
  }

  private requireConnection(): EntityProviderConnection {
    if (!this.connection) throw new Error('entity provider is not connected');
    return this.connection;
  }

  private async token(): Promise<string> {
    const { token } = await this.options.auth.getPluginRequestToken({
      onBehalfOf: await this.options.auth.getOwnServiceCredentials(),
      targetPluginId: 'model-registry',
    });
    return token;
  }

  /** Registry names that a catalog-info.yaml Model already claims: the file wins. */
  private async declaredElsewhere(): Promise<Set<string>> {
    const { items } = await this.options.catalog.getEntities(
      {
        filter: { kind: MODEL_ENTITY_KIND },
        fields: ['kind', 'apiVersion', 'metadata', 'spec.registryName'],
      },
      { credentials: await this.options.auth.getOwnServiceCredentials() },
    );
    const names = new Set<string>();
    for (const entity of items) {
      const location =
        entity.metadata.annotations?.['backstage.io/managed-by-location'] ?? '';
      if (!location.startsWith(LOCATION_PREFIX)) {
        names.add(getModelRegistryName(entity as ModelEntityV1alpha1));
      }
    }
    return names;
  }

  private locationKey(name: string) {
    return `${LOCATION_PREFIX}${name}`;
  }

  private deferred(model: Model, registryUrl: string): DeferredEntity {
    return {
      entity: modelEntity(model, registryUrl),
      locationKey: this.locationKey(model.name),
    };
  }
}

/**
 * The catalog entity of a registry model. A pure function of the model: the
 * same model always gives the same entity (no timestamps or other values that
 * change from one reconciliation to the next), so an unchanged model costs
 * the catalog no re-processing or re-stitching.
 */
export function modelEntity(
  model: Model,
  registryUrl: string,
): ModelEntityV1alpha1 {
  const location = `${LOCATION_PREFIX}${registryUrl}/models/${model.name}`;
  const aliases = Object.entries(model.aliases)
    .map(([alias, version]) => `${alias}=${version}`)
    .join(',');
  return {
    apiVersion: MODEL_ENTITY_API_VERSION,
    kind: MODEL_ENTITY_KIND,
    metadata: {
      name: model.name,
      namespace: 'default',
      description: model.description || undefined,
      tags: model.tags.filter(tag => CATALOG_TAG.test(tag)),
      links: model.links.repoUrl
        ? [{ url: model.links.repoUrl, title: 'Repository', icon: 'github' }]
        : [],
      annotations: {
        'backstage.io/managed-by-location': location,
        'backstage.io/managed-by-origin-location': location,
        [ANNOTATION_MODEL_REGISTRY_NAME]: model.name,
        ...(model.latestVersion
          ? { [ANNOTATION_MODEL_LATEST_VERSION]: String(model.latestVersion) }
          : {}),
        ...(aliases ? { [ANNOTATION_MODEL_ALIASES]: aliases } : {}),
        ...(model.links.jiraProject
          ? { [ANNOTATION_JIRA_PROJECT_KEY]: model.links.jiraProject }
          : {}),
        ...(model.links.slackChannel
          ? { [ANNOTATION_SLACK_CHANNEL]: model.links.slackChannel }
          : {}),
      },
    },
    spec: {
      type: (model.task && TASK_TYPES.has(model.task)
        ? model.task
        : 'other') as ModelEntityV1alpha1['spec']['type'],
      lifecycle: 'production' in model.aliases ? 'production' : 'experimental',
      owner: model.owner,
      ...(model.framework ? { framework: model.framework } : {}),
    },
  };
}
