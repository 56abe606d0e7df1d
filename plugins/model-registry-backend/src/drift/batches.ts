/**
 * Production batches against a reference: the schema a batch must match,
 * pre-binned counts turned into profiles, and windows merged from batches.
 */
import { InputError } from '@backstage/errors';
import {
  BinnedFeature,
  CategoricalFeatureProfile,
  FeatureProfile,
  NumericFeatureProfile,
} from '@mlreg/plugin-model-registry-common';
import { FeatureSchema } from './dataset';
import { mergeCategorical, mergeNumeric, TOP_K } from './profile';

/** The features, kinds and numeric bin edges of a reference. */
export function schemaOf(reference: FeatureProfile[]): FeatureSchema {
  return new Map(
    reference.map(p => [
      p.feature,
      p.kind === 'categorical'
        ? { kind: 'categorical' as const }
        : { kind: 'numeric' as const, edges: p.histogram.binEdges },
    ]),
  );
}

/**
 * Profiles of pre-binned counts. Every feature must be in the reference
 * with the same kind, numeric counts must cover its bins plus the two
 * overflow bins, and at least one value must be counted.
 */
export function profilesFromBinned(
  schema: FeatureSchema,
  batch: BinnedFeature[],
): FeatureProfile[] {
  const seen = new Set<string>();
  let values = 0;
  const profiles = batch.map((f): FeatureProfile => {
    const spec = schema.get(f.feature);
    if (!spec) {
      throw new InputError(
        `unknown feature "${f.feature}": the reference profile has no such feature`,
      );
    }
    if (seen.has(f.feature))
      throw new InputError(`feature "${f.feature}" appears twice`);
    seen.add(f.feature);
    if ('counts' in f) {
      if (spec.kind !== 'numeric') {
        throw new InputError(
          `feature "${f.feature}" is categorical in the reference, not numeric`,
        );
      }
      const edges = spec.edges!;
      if (f.counts.length !== edges.length + 1) {
        throw new InputError(
          `feature "${f.feature}" needs ${
            edges.length + 1
          } counts (below the first edge, ${
            edges.length - 1
          } bins, above the last edge), got ${f.counts.length}`,
        );
      }
      let count = 0;
      for (const c of f.counts) count += c;
      values += count;
      const profile: NumericFeatureProfile = {
        feature: f.feature,
        kind: 'numeric',
        histogram: { binEdges: edges, counts: f.counts.slice(1, -1) },
        below: f.counts[0],
        above: f.counts[f.counts.length - 1],
        stats: { count, missing: f.missing ?? 0, nonFinite: f.nonFinite ?? 0 },
      };
      return profile;
    }
    if (spec.kind !== 'categorical') {
      throw new InputError(
        `feature "${f.feature}" is numeric in the reference, not categorical`,
      );
    }
    const sorted = Object.entries(f.categories).sort(
      (a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1),
    );
    let count = 0;
    let other = 0;
    sorted.forEach(([, c], i) => {
      count += c;
      if (i >= TOP_K) other += c;
    });
    values += count;
    const profile: CategoricalFeatureProfile = {
      feature: f.feature,
      kind: 'categorical',
      categories: sorted
        .slice(0, TOP_K)
        .map(([value, c]) => ({ value, count: c })),
      other,
      stats: { count, missing: f.missing ?? 0 },
    };
    return profile;
  });
  if (values === 0) throw new InputError('the batch counts no values');
  return profiles;
}

/** Merges the profiles of a window's batches feature by feature. */
export function mergeProfiles(
  window: FeatureProfile[],
  batch: FeatureProfile[],
): FeatureProfile[] {
  const merged = new Map(window.map(p => [p.feature, p]));
  for (const p of batch) {
    const seen = merged.get(p.feature);
    if (!seen) merged.set(p.feature, p);
    else if (seen.kind === 'categorical' && p.kind === 'categorical') {
      merged.set(p.feature, mergeCategorical(seen, p));
    } else if (seen.kind !== 'categorical' && p.kind !== 'categorical') {
      merged.set(p.feature, mergeNumeric(seen, p));
    } else {
      throw new InputError(
        `feature "${p.feature}" changed kind between batches`,
      );
    }
  }
  return [...merged.values()];
}
