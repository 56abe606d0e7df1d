import { describeInvalidModelName } from '@mlreg/plugin-model-registry-common';
import { createHash } from 'node:crypto';

/** The annotation that keeps a model's exact MLflow name. */
export const MLFLOW_NAME_ANNOTATION = 'mlreg.io/mlflow-name';

/** Characters of the slug in a mapped name: 63 - '-' - 10 hex digits. */
const SLUG_LENGTH = 52;

/**
 * The registry name (a DNS label) of an MLflow model name. A name that is
 * already a valid registry name maps to itself; any other maps to a slug of
 * it plus the first 10 hex digits of its SHA-256, e.g.
 * `Fraud Detector` → `fraud-detector-2c1f…`. The mapping is a function: the
 * same MLflow name always gives the same registry name, and two MLflow names
 * only share one if their hashes collide (checked on every lookup against
 * the exact name kept in {@link MLFLOW_NAME_ANNOTATION}).
 */
export function registryNameOf(mlflowName: string): string {
  if (!describeInvalidModelName(mlflowName)) return mlflowName;
  const hash = createHash('sha256')
    .update(mlflowName, 'utf8')
    .digest('hex')
    .slice(0, 10);
  const slug = mlflowName
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, SLUG_LENGTH)
    .replace(/^-+|-+$/g, '');
  return slug ? `${slug}-${hash}` : `m-${hash}`;
}

/** The MLflow name of a registry model: the kept exact name, else its own. */
export function mlflowNameOf(model: {
  name: string;
  annotations?: Record<string, string>;
}): string {
  return model.annotations?.[MLFLOW_NAME_ANNOTATION] ?? model.name;
}

/**
 * A free registry name for a model deleted through the MLflow API while it
 * still had versions: the registry keeps it (archived, with its history),
 * and the MLflow name can be registered again.
 */
export function tombstoneNameOf(registryName: string, now: Date): string {
  const stem = registryName.slice(0, 40).replace(/-+$/, '');
  return `${stem}-deleted-${now.getTime().toString(36)}`;
}
