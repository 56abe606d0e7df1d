import { AuthService } from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { Config, readDurationFromConfig } from '@backstage/config';
import { isError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { durationToMilliseconds } from '@backstage/types';
import {
  ANNOTATION_JIRA_PROJECT_KEY,
  ANNOTATION_MODEL_REGISTRY_NAME,
  ANNOTATION_SLACK_CHANNEL,
  describeInvalidModelName,
  getModelRegistryName,
  MODEL_ENTITY_KIND,
} from '@mlreg/plugin-model-registry-common';
import {
  MODEL_REGISTRY_EVENT_TYPES,
  ModelRegistryEvent,
  ModelRegistryEventType,
} from './events';
import { ModelRegistryService } from './registryService';

/**
 * Who hears about one event: the owners of its model and the places named
 * on the model or its owner, as the catalog says right now, plus the
 * subscribers configured for the event's type.
 *
 * @public
 */
export interface ModelEventRecipients {
  /** The model's catalog entity, when the catalog has it. */
  entityRef?: string;
  /** Path of the model's entity page in the portal, e.g. `/catalog/default/model/fraud`. */
  entityPath?: string;
  /** The model's owner (`spec.owner`) as a full entity ref; empty when unknown. */
  owners: string[];
  /**
   * Entities to notify: the owners, then the entities configured for the
   * event's type, each once.
   */
  entities: string[];
  /**
   * Slack channels: the model's `slack.com/channel` (else its owner's),
   * then the configured ones, each once.
   */
  slackChannels: string[];
  /** The model's `jira/project-key`, else its owner's. */
  jiraProjectKey?: string;
}

/**
 * One configured routing rule (`modelRegistry.routing.rules[]`): events of
 * these types (and models, when given) also go to these entities and Slack
 * channels.
 *
 * @public
 */
export interface ModelEventRoutingRule {
  events: ModelRegistryEventType[];
  models?: string[];
  notify: string[];
  slackChannels: string[];
}

/**
 * Resolves the recipients of registry events.
 *
 * @public
 */
export interface ModelEventRouter {
  /**
   * Reads the event's model from the catalog (at most `cacheTtl` old) and
   * applies the configured rules. Throws when the catalog cannot be read,
   * so that the delivery is retried rather than sent to nobody.
   */
  resolve(
    event: Pick<ModelRegistryEvent, 'type' | 'model'>,
  ): Promise<ModelEventRecipients>;
}

/** What the catalog (or the registry) says about a model. */
interface ModelPlaces {
  entityRef?: string;
  entityPath?: string;
  owner?: string;
  slackChannel?: string;
  jiraProjectKey?: string;
}

/** The longest `modelRegistry.routing.cacheTtl` accepted. */
const MAX_CACHE_TTL_MS = 5 * 60_000;
const DEFAULT_CACHE_TTL_MS = 30_000;

/**
 * Reads `modelRegistry.routing`: the rules and the cache TTL. Throws a clear
 * error for an unknown event type, an invalid model name or entity ref, or
 * a TTL above 5 minutes.
 *
 * @public
 */
export function readModelEventRoutingConfig(config: Config): {
  rules: ModelEventRoutingRule[];
  cacheTtlMs: number;
} {
  const routing = config.getOptionalConfig('modelRegistry.routing');
  const key = 'modelRegistry.routing.cacheTtl';
  const cacheTtlMs = routing?.has('cacheTtl')
    ? durationToMilliseconds(readDurationFromConfig(config, { key }))
    : DEFAULT_CACHE_TTL_MS;
  if (!(cacheTtlMs >= 0 && cacheTtlMs <= MAX_CACHE_TTL_MS)) {
    throw new Error(
      `${key} must be between 0 and 5 minutes, got ${cacheTtlMs} ms`,
    );
  }
  const rules = (routing?.getOptionalConfigArray('rules') ?? []).map(
    (rule, index) => {
      const where = `modelRegistry.routing.rules[${index}]`;
      const events = rule.getStringArray('events');
      for (const type of events) {
        if (!(MODEL_REGISTRY_EVENT_TYPES as readonly string[]).includes(type)) {
          throw new Error(`${where}.events: unknown event type "${type}"`);
        }
      }
      const models = rule.getOptionalStringArray('models');
      for (const model of models ?? []) {
        const invalid = describeInvalidModelName(model);
        if (invalid) throw new Error(`${where}.models: ${invalid}`);
      }
      const notify = (rule.getOptionalStringArray('notify') ?? []).map(ref => {
        try {
          return stringifyEntityRef(
            parseEntityRef(ref, { defaultKind: 'group' }),
          );
        } catch (error) {
          throw new Error(`${where}.notify: ${error}`);
        }
      });
      const slackChannels = rule.getOptionalStringArray('slackChannels') ?? [];
      if (notify.length === 0 && slackChannels.length === 0) {
        throw new Error(`${where} names neither notify nor slackChannels`);
      }
      return {
        events: events as ModelRegistryEventType[],
        models,
        notify,
        slackChannels,
      };
    },
  );
  return { rules, cacheTtlMs };
}

/** Entity page path in the portal. */
function entityPath(entity: Entity): string {
  const namespace = entity.metadata.namespace ?? 'default';
  return `/catalog/${encodeURIComponent(namespace)}/${encodeURIComponent(
    entity.kind.toLocaleLowerCase('en-US'),
  )}/${encodeURIComponent(entity.metadata.name)}`;
}

const ENTITY_FIELDS = [
  'kind',
  'apiVersion',
  'metadata.name',
  'metadata.namespace',
  'metadata.annotations',
  'spec.owner',
  'spec.registryName',
];

/**
 * A {@link ModelEventRouter} reading the catalog with the module's own
 * credentials. Answers are cached per model for `cacheTtlMs` (default from
 * `config`, 30 s), so a re-org in the catalog changes routing that soon,
 * without touching the registry. A model the catalog does not have (yet) is
 * looked up in the registry when `registry` is given.
 *
 * @public
 */
export function createModelEventRouter(options: {
  catalog: CatalogService;
  auth: AuthService;
  config?: Config;
  registry?: ModelRegistryService;
  /** Overrides `modelRegistry.routing` (for tests and embedding). */
  routing?: { rules?: ModelEventRoutingRule[]; cacheTtlMs?: number };
}): ModelEventRouter {
  const { catalog, auth, registry } = options;
  const fromConfig = options.config
    ? readModelEventRoutingConfig(options.config)
    : { rules: [], cacheTtlMs: DEFAULT_CACHE_TTL_MS };
  const rules = options.routing?.rules ?? fromConfig.rules;
  const cacheTtlMs = options.routing?.cacheTtlMs ?? fromConfig.cacheTtlMs;
  const cache = new Map<
    string,
    { until: number; places: Promise<ModelPlaces> }
  >();

  async function fromCatalog(model: string): Promise<ModelPlaces | undefined> {
    const credentials = await auth.getOwnServiceCredentials();
    const kind = { kind: MODEL_ENTITY_KIND };
    const { items } = await catalog.getEntities(
      {
        filter: [
          {
            ...kind,
            [`metadata.annotations.${ANNOTATION_MODEL_REGISTRY_NAME}`]: model,
          },
          { ...kind, 'spec.registryName': model },
          { ...kind, 'metadata.name': model },
        ],
        fields: ENTITY_FIELDS,
      },
      { credentials },
    );
    const entity = items
      .filter(e => getModelRegistryName(e) === model)
      .sort((a, b) =>
        stringifyEntityRef(a).localeCompare(stringifyEntityRef(b)),
      )[0];
    if (!entity) return undefined;
    const annotations = entity.metadata.annotations ?? {};
    const ownerRef =
      typeof entity.spec?.owner === 'string' && entity.spec.owner
        ? stringifyEntityRef(
            parseEntityRef(entity.spec.owner, {
              defaultKind: 'group',
              defaultNamespace: entity.metadata.namespace ?? 'default',
            }),
          )
        : undefined;
    return {
      entityRef: stringifyEntityRef(entity),
      entityPath: entityPath(entity),
      owner: ownerRef,
      slackChannel: annotations[ANNOTATION_SLACK_CHANNEL],
      jiraProjectKey: annotations[ANNOTATION_JIRA_PROJECT_KEY],
    };
  }

  /** Fills what the model does not name from its owner's annotations. */
  async function withOwnerPlaces(found: ModelPlaces): Promise<ModelPlaces> {
    if (!found.owner || (found.slackChannel && found.jiraProjectKey)) {
      return found;
    }
    const owner = await catalog.getEntityByRef(found.owner, {
      credentials: await auth.getOwnServiceCredentials(),
    });
    const annotations = owner?.metadata.annotations ?? {};
    return {
      ...found,
      slackChannel: found.slackChannel ?? annotations[ANNOTATION_SLACK_CHANNEL],
      jiraProjectKey:
        found.jiraProjectKey ?? annotations[ANNOTATION_JIRA_PROJECT_KEY],
    };
  }

  async function fromRegistry(model: string): Promise<ModelPlaces> {
    if (!registry) return {};
    try {
      const found = await registry.getModel(model, {
        credentials: await auth.getOwnServiceCredentials(),
      });
      return {
        // Where the registry's entity provider publishes it.
        entityRef: `model:default/${model}`,
        entityPath: `/catalog/default/model/${encodeURIComponent(model)}`,
        owner: stringifyEntityRef(
          parseEntityRef(found.owner, { defaultKind: 'group' }),
        ),
        slackChannel: found.links.slackChannel,
        jiraProjectKey: found.links.jiraProject,
      };
    } catch (error) {
      // A deleted model has no owner any more: its events go to the rules.
      if (
        isError(error) &&
        (error as { statusCode?: number }).statusCode === 404
      ) {
        return {};
      }
      throw error;
    }
  }

  function places(model: string): Promise<ModelPlaces> {
    const now = Date.now();
    const hit = cache.get(model);
    if (hit && hit.until > now) return hit.places;
    const lookup = fromCatalog(model)
      .then(found => found ?? fromRegistry(model))
      .then(withOwnerPlaces);
    cache.set(model, { until: now + cacheTtlMs, places: lookup });
    // A failed lookup is not remembered: the retry asks again.
    lookup.catch(() => cache.delete(model));
    // Expired entries of models no longer seen are dropped now and then.
    if (cache.size > 10_000) {
      for (const [name, entry] of cache) {
        if (entry.until <= now) cache.delete(name);
      }
    }
    return lookup;
  }

  return {
    async resolve(event) {
      const found = event.model ? await places(event.model) : {};
      const owners = found.owner ? [found.owner] : [];
      const matching = rules.filter(
        rule =>
          rule.events.includes(event.type) &&
          (!rule.models ||
            (event.model !== undefined && rule.models.includes(event.model))),
      );
      const unique = (values: Array<string | undefined>) => [
        ...new Set(values.filter((v): v is string => Boolean(v))),
      ];
      return {
        entityRef: found.entityRef,
        entityPath: found.entityPath,
        owners,
        entities: unique([...owners, ...matching.flatMap(r => r.notify)]),
        slackChannels: unique([
          found.slackChannel,
          ...matching.flatMap(r => r.slackChannels),
        ]),
        jiraProjectKey: found.jiraProjectKey,
      };
    },
  };
}
