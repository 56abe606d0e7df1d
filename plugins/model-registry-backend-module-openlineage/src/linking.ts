import { LineageDataset, RunEvent } from './validate';

/** The namespace of output datasets that are model versions. */
export const MLREG_NAMESPACE = 'mlreg';

/** The facet that names the model version an output dataset is. */
export const MLREG_FACET = 'mlreg';

/** The annotation that ties a catalog Resource to a dataset. */
export const DATASET_ANNOTATION = 'mlreg.io/openlineage-dataset';

/**
 * The model versions a run's outputs are: a dataset in the `mlreg`
 * namespace named `<model>/<version>`, or any dataset with an `mlreg`
 * facet `{ "model": "<model>", "version": <version> }`.
 */
export function outputVersions(
  event: RunEvent,
): Array<{ model: string; version: number }> {
  const found = new Map<string, { model: string; version: number }>();
  for (const output of event.outputs ?? []) {
    const target = versionOf(output);
    if (target) found.set(`${target.model}/${target.version}`, target);
  }
  return [...found.values()];
}

function versionOf(dataset: LineageDataset) {
  const facet = dataset.facets?.[MLREG_FACET] as
    | { model?: unknown; version?: unknown }
    | undefined;
  if (facet && typeof facet.model === 'string') {
    const version = Number(facet.version);
    if (Number.isSafeInteger(version) && version > 0) {
      return { model: facet.model, version };
    }
  }
  if (dataset.namespace === MLREG_NAMESPACE) {
    const match = /^([a-z0-9-]{1,63})\/([1-9][0-9]{0,8})$/.exec(dataset.name);
    if (match) return { model: match[1], version: Number(match[2]) };
  }
  return undefined;
}

/** The annotation value that ties a Resource to a dataset. */
export function datasetKey(dataset: LineageDataset): string {
  return `${dataset.namespace}/${dataset.name}`;
}
