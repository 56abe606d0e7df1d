import {
  Entity,
  entityKindSchemaValidator,
  KindValidator,
} from '@backstage/catalog-model';
import schema from './Model.v1alpha1.schema.json';

/** The `apiVersion` of `Model` entities. */
export const MODEL_ENTITY_API_VERSION = 'mlreg.io/v1alpha1';

/** The `kind` of the catalog entities that describe machine-learning models. */
export const MODEL_ENTITY_KIND = 'Model';

/**
 * The name of the model in the Model Registry, when it differs from the
 * entity's `metadata.name`. Takes precedence over `spec.registryName`, so an
 * entity provider or a catalog-info.yaml can link an entity to its registry
 * model without touching the spec.
 */
export const ANNOTATION_MODEL_REGISTRY_NAME = 'mlreg.io/registry-name';

/**
 * The number of the newest READY version of the model. Written by the
 * registry's entity provider, so catalog search and cards show it without
 * calling the registry.
 */
export const ANNOTATION_MODEL_LATEST_VERSION = 'mlreg.io/latest-version';

/**
 * The model's aliases and the versions they point to, as comma-separated
 * `alias=version` pairs (e.g. `champion=7,staging=8`). Written by the
 * registry's entity provider.
 */
export const ANNOTATION_MODEL_ALIASES = 'mlreg.io/aliases';

/**
 * The GitHub repository of the model's training code, as `owner/repo`. The
 * same annotation the GitHub plugins of Backstage read.
 */
export const ANNOTATION_GITHUB_PROJECT_SLUG = 'github.com/project-slug';

/**
 * The Jira project where the model's work and incidents are tracked, e.g.
 * `FRAUD`. The same annotation the Jira plugins of Backstage read.
 */
export const ANNOTATION_JIRA_PROJECT_KEY = 'jira/project-key';

/** The Slack channel of the model's team, e.g. `#fraud-models`. */
export const ANNOTATION_SLACK_CHANNEL = 'slack.com/channel';

/** The machine-learning tasks a `Model` entity's `spec.type` may name. */
export const MODEL_ENTITY_TYPES = [
  'classification',
  'regression',
  'ranking',
  'forecasting',
  'llm',
  'other',
] as const;

/** The machine-learning task of a model: one of {@link MODEL_ENTITY_TYPES}. */
export type ModelEntityType = (typeof MODEL_ENTITY_TYPES)[number];

/**
 * A machine-learning model in the catalog, as described by
 * `Model.v1alpha1.schema.json`.
 */
export interface ModelEntityV1alpha1 extends Entity {
  apiVersion: typeof MODEL_ENTITY_API_VERSION;
  kind: typeof MODEL_ENTITY_KIND;
  spec: {
    /** The machine-learning task the model performs. */
    type: ModelEntityType;
    /** `experimental`, `production`, `deprecated`, as for a Component. */
    lifecycle: string;
    /** Entity reference to the owner; a Group unless it names another kind. */
    owner: string;
    /** Entity reference to the System the model is part of. */
    system?: string;
    /** The library the model is built with, e.g. `xgboost`. */
    framework?: string;
    /**
     * Entity references to the data sets (Resources unless another kind is
     * named) and upstream models the model depends on.
     */
    dependsOn?: string[];
    /** The model's name in the registry, when it differs from metadata.name. */
    registryName?: string;
  };
}

const validator = entityKindSchemaValidator(schema);

/**
 * Validates `Model` entities against their JSON schema.
 *
 * `check` resolves to false for an entity of another kind or apiVersion, and
 * rejects with an error that names the offending field (e.g.
 * `/spec must have required property 'owner'`) for a `Model` whose spec is
 * invalid, which the catalog shows as that entity's processing error.
 */
export const modelEntityV1alpha1Validator: KindValidator = {
  async check(data: Entity) {
    return validator(data) === data;
  },
};

/** Whether the entity is a `Model` of apiVersion `mlreg.io/v1alpha1`. */
export function isModelEntity(entity: Entity): entity is ModelEntityV1alpha1 {
  return (
    entity.apiVersion === MODEL_ENTITY_API_VERSION &&
    entity.kind === MODEL_ENTITY_KIND
  );
}

/**
 * The name of the entity's model in the Model Registry: the
 * `mlreg.io/registry-name` annotation, else `spec.registryName`, else
 * `metadata.name`.
 */
export function getModelRegistryName(entity: Entity): string {
  const annotated =
    entity.metadata.annotations?.[ANNOTATION_MODEL_REGISTRY_NAME];
  if (annotated) {
    return annotated;
  }
  const specified = entity.spec?.registryName;
  if (typeof specified === 'string' && specified) {
    return specified;
  }
  return entity.metadata.name;
}
