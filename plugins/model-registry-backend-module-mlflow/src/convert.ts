import { Model, ModelVersion } from '@mlreg/plugin-model-registry-common';
import { MlflowTag, tagsOf } from './tags';

/** Annotations of a version that carry MLflow fields. */
export const STAGE_ANNOTATION = 'mlreg.io/mlflow-stage';
export const RUN_LINK_ANNOTATION = 'mlreg.io/mlflow-run-link';
export const MODEL_ID_ANNOTATION = 'mlreg.io/mlflow-model-id';
/** Set on models and versions deleted through the MLflow API. */
export const DELETED_ANNOTATION = 'mlreg.io/mlflow-deleted';

/** MLflow's stages, in the order MLflow lists them. */
export const STAGES = ['None', 'Staging', 'Production', 'Archived'] as const;
export type Stage = (typeof STAGES)[number];

/**
 * The registry alias that follows a stage: a version transitioned to
 * `Staging` or `Production` also gets the `staging` or `production` alias.
 */
export const STAGE_ALIASES: Partial<Record<Stage, string>> = {
  Staging: 'staging',
  Production: 'production',
};

export function stageOf(version: ModelVersion): Stage {
  return (version.annotations[STAGE_ANNOTATION] as Stage) ?? 'None';
}

export function isDeleted(item: { annotations?: Record<string, string> }) {
  return item.annotations?.[DELETED_ANNOTATION] === 'true';
}

/** MLflow's ModelVersion message. */
export interface MlflowModelVersion {
  name: string;
  version: string;
  creation_timestamp: number;
  last_updated_timestamp: number;
  user_id?: string;
  current_stage: Stage;
  description?: string;
  source?: string;
  run_id?: string;
  status: 'PENDING_REGISTRATION' | 'FAILED_REGISTRATION' | 'READY';
  status_message?: string;
  tags?: MlflowTag[];
  run_link?: string;
  aliases?: string[];
  model_id?: string;
}

/** MLflow's RegisteredModel message. */
export interface MlflowRegisteredModel {
  name: string;
  creation_timestamp: number;
  last_updated_timestamp: number;
  description?: string;
  latest_versions?: MlflowModelVersion[];
  tags?: MlflowTag[];
  aliases?: Array<{ alias: string; version: string }>;
}

const STATUS = {
  PENDING: 'PENDING_REGISTRATION',
  READY: 'READY',
  FAILED: 'FAILED_REGISTRATION',
} as const;

/** Protobuf JSON leaves out unset fields and empty lists. */
function compact<T extends object>(message: T): T {
  return Object.fromEntries(
    Object.entries(message).filter(
      ([, v]) =>
        v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0),
    ),
  ) as T;
}

/**
 * The URI MLflow shows as a version's `source`: the one it was registered
 * with, or `models:/<name>/<version>` for an artifact kept by the registry.
 */
export function sourceOf(mlflowName: string, version: ModelVersion): string {
  return (
    (version.artifact?.location === 'external' && version.artifact.uri) ||
    version.source.uri ||
    `models:/${mlflowName}/${version.version}`
  );
}

export function toMlflowVersion(
  mlflowName: string,
  version: ModelVersion,
): MlflowModelVersion {
  const a = version.annotations;
  return compact({
    name: mlflowName,
    version: String(version.version),
    creation_timestamp: Date.parse(version.createdAt),
    last_updated_timestamp: Date.parse(version.updatedAt),
    user_id: version.createdBy,
    current_stage: stageOf(version),
    description: version.description,
    source: sourceOf(mlflowName, version),
    run_id: version.source.runId,
    status: STATUS[version.status],
    status_message: version.failureReason,
    tags: tagsOf(a),
    run_link: a[RUN_LINK_ANNOTATION],
    aliases: [...version.aliases].sort(),
    model_id: a[MODEL_ID_ANNOTATION],
  });
}

/**
 * The newest READY version in each stage, in MLflow's stage order; only
 * the given stages when there are some.
 */
export function latestPerStage(
  versions: ModelVersion[],
  stages: readonly Stage[] = STAGES,
): ModelVersion[] {
  const latest = new Map<Stage, ModelVersion>();
  for (const v of versions) {
    if (v.status !== 'READY' || isDeleted(v)) continue;
    const stage = stageOf(v);
    const held = latest.get(stage);
    if (!held || held.version < v.version) latest.set(stage, v);
  }
  return STAGES.filter(s => stages.includes(s) && latest.has(s)).map(
    s => latest.get(s)!,
  );
}

export function toMlflowModel(
  mlflowName: string,
  model: Model,
  versions: ModelVersion[],
): MlflowRegisteredModel {
  return compact({
    name: mlflowName,
    creation_timestamp: Date.parse(model.createdAt),
    last_updated_timestamp: Date.parse(model.updatedAt),
    description: model.description,
    latest_versions: latestPerStage(versions).map(v =>
      toMlflowVersion(mlflowName, v),
    ),
    tags: tagsOf(model.annotations ?? {}),
    aliases: Object.entries(model.aliases)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([alias, version]) => ({ alias, version: String(version) })),
  });
}
