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
/** The largest page the registry's model list serves. */
const PAGE_SIZE = 200;
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

  /**
   * Replaces everything this provider published with the registry's models.
   *
   * Each page of the registry is handed to the catalog as a delta as soon as
   * it is read, so that the catalog processes the first models while the
   * next pages are still being read; a delta of unchanged models costs the
   * catalog one lookup and no processing. The final `full` mutation of every
   * model is what removes entities whose model is gone, archived or now
   * declared in a catalog-info file; if reading fails half-way, no `full`
   * mutation is applied and nothing is removed.
   */
  async refresh(): Promise<number> {
    const connection = this.requireConnection();
    const [token, declared, registryUrl] = await Promise.all([
      this.token(),
      this.declaredElsewhere(),
      this.options.registryUrl(),
    ]);
    const entities: DeferredEntity[] = [];
    // The deltas are applied one after the other, while the next page is
    // read; the first failure is thrown once reading is over.
    let handedOver: Promise<void> = Promise.resolve();
    const failures: unknown[] = [];
    const handOver = (added: DeferredEntity[]) => {
      handedOver = handedOver.then(async () => {
        if (failures.length > 0) return;
        try {
          await connection.applyMutation({ type: 'delta', added, removed: [] });
        } catch (error) {
          failures.push(error);
        }
      });
    };
    let cursor: string | undefined;
    try {
      do {
        const page = await this.options.registry.listModels(
          { limit: PAGE_SIZE, cursor },
          { token },
        );
        const added = page.items
          .filter(model => !declared.has(model.name))
          .map(model => this.deferred(model, registryUrl));
        entities.push(...added);
        if (added.length > 0) handOver(added);
        cursor = page.nextCursor;
      } while (cursor);
    } finally {
      await handedOver;
    }
    if (failures.length > 0) throw failures[0];
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
    if ((await this.declaredElsewhere(name)).has(name)) return;
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

  /**
   * Registry names that a catalog-info.yaml Model already claims: the file
   * wins. With `name`, only the entities that could claim that one name are
   * read, instead of every Model in the catalog.
   */
  private async declaredElsewhere(name?: string): Promise<Set<string>> {
    const kind = { kind: MODEL_ENTITY_KIND };
    const { items } = await this.options.catalog.getEntities(
      {
        filter: name
          ? [
              { ...kind, 'metadata.name': name },
              {
                ...kind,
                [`metadata.annotations.${ANNOTATION_MODEL_REGISTRY_NAME}`]:
                  name,
              },
              { ...kind, 'spec.registryName': name },
            ]
          : kind,
        fields: [
          'kind',
          'apiVersion',
          'metadata.name',
          'metadata.annotations',
          'spec.registryName',
        ],
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
