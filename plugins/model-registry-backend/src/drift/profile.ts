/**
 * Feature profiles computed in one pass and bounded memory, and merged by
 * adding counts. A numeric profile's bins are fixed at the reference: the
 * reference takes its deciles as edges; every later profile of the same
 * feature (a production batch, a window) is binned on those edges.
 */
import {
  CategoricalFeatureProfile,
  NumericFeatureProfile,
} from '@mlreg/plugin-model-registry-common';
import { Sketch, sketchPoints } from './sketch';

/** Every value is kept while a profile has at most this many. */
export const SAMPLE_LIMIT = 10_000;
/** Distinct values are tracked while there are at most this many. */
export const DISTINCT_LIMIT = 20;
/** Categories a categorical profile lists; the rest go to `other`. */
export const TOP_K = 100;
/** Categories tracked while counting; beyond, the rarest half folds into `other`. */
const CATEGORY_CAPACITY = 10_000;
/** Reference bins: deciles. */
const REFERENCE_BINS = 10;

/** Numeric bins: finite ascending edges plus the two overflow bins. */
export interface Bins {
  edges: number[];
}

/**
 * Bin index of a value on edges e₀ < … < e_k: 0 below e₀, i + 1 for
 * [eᵢ, eᵢ₊₁) and for e_k itself (the last inner bin is closed, as numpy's),
 * k + 1 above e_k. Profiles bin their sketch's representative values, so
 * every profile of a feature bins alike whatever its size.
 */
export function binIndex(edges: ArrayLike<number>, x: number): number {
  const k = edges.length - 1;
  if (x < edges[0]) return 0;
  if (x > edges[k]) return k + 1;
  if (x === edges[k]) return k;
  let lo = 0;
  let hi = k;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (x >= edges[mid]) lo = mid;
    else hi = mid;
  }
  return lo + 1;
}

/** Accumulates the profile of one numeric feature. */
export class NumericAccumulator {
  private count = 0;
  private missing = 0;
  private nonFinite = 0;
  private shift = 0;
  private sum = 0;
  private sumSquares = 0;
  private min = Infinity;
  private max = -Infinity;
  private readonly sketch = new Sketch();
  private sample: Float64Array | undefined = new Float64Array(64);
  private distinct: Map<number, number> | undefined = new Map();

  constructor(readonly feature: string) {}

  /** Adds one value; NaN and ±Infinity are counted and dropped. */
  add(x: number): void {
    if (!Number.isFinite(x)) {
      this.nonFinite++;
      return;
    }
    const value = x === 0 ? 0 : x;
    const n = ++this.count;
    // Sums of deviations from the first value: cheap and numerically stable.
    if (n === 1) this.shift = value;
    const d = value - this.shift;
    this.sum += d;
    this.sumSquares += d * d;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    this.sketch.add(value);
    if (this.sample) {
      if (n > SAMPLE_LIMIT) {
        this.sample = undefined;
      } else {
        if (n > this.sample.length) {
          const grown = new Float64Array(
            Math.min(SAMPLE_LIMIT, 2 * this.sample.length),
          );
          grown.set(this.sample);
          this.sample = grown;
        }
        this.sample[n - 1] = value;
      }
    }
    if (this.distinct) {
      const seen = this.distinct.get(value);
      if (seen !== undefined) this.distinct.set(value, seen + 1);
      else if (this.distinct.size < DISTINCT_LIMIT) this.distinct.set(value, 1);
      else this.distinct = undefined;
    }
  }

  /** Counts an empty cell. */
  addMissing(): void {
    this.missing++;
  }

  /**
   * The profile, binned on the given edges, or on the deciles of this data
   * when none are given (a reference).
   */
  finish(bins?: Bins): NumericFeatureProfile {
    const sketch = this.sketch.toData();
    const points = sketchPoints(sketch);
    const edges = bins?.edges ?? decileEdges(points.values, points.weights);
    const counts = new Array<number>(edges.length + 1).fill(0);
    for (let i = 0; i < points.values.length; i++) {
      counts[binIndex(edges, points.values[i])] += points.weights[i];
    }
    const n = this.count;
    const meanShifted = n ? this.sum / n : 0;
    return {
      feature: this.feature,
      kind: 'numeric',
      histogram: { binEdges: edges, counts: counts.slice(1, -1) },
      below: counts[0],
      above: counts[counts.length - 1],
      stats: {
        count: n,
        missing: this.missing,
        nonFinite: this.nonFinite,
        ...(n > 0 && {
          mean: this.shift + meanShifted,
          std: Math.sqrt(Math.max(0, this.sumSquares / n - meanShifted ** 2)),
          min: this.min,
          max: this.max,
        }),
      },
      sketch,
      ...(this.sample && {
        sample: Array.from(this.sample.subarray(0, n)).sort((a, b) => a - b),
      }),
      ...(this.distinct && {
        distinct: [...this.distinct]
          .sort((a, b) => a[0] - b[0])
          .map(([value, count]) => ({ value, count })),
      }),
    };
  }
}

/**
 * Decile edges of sketch points, deduplicated: the representative values at
 * the 0, 10 %, …, 100 % ranks. Constant data gives one edge.
 */
function decileEdges(values: Float64Array, weights: Float64Array): number[] {
  if (values.length === 0) return [0];
  let total = 0;
  for (const w of weights) total += w;
  const edges: number[] = [values[0]];
  let cumulative = 0;
  let next = 1;
  for (let i = 0; i < values.length && next < REFERENCE_BINS; i++) {
    cumulative += weights[i];
    while (
      next < REFERENCE_BINS &&
      cumulative >= (total * next) / REFERENCE_BINS
    ) {
      if (i + 1 < values.length && values[i + 1] !== edges[edges.length - 1]) {
        edges.push(values[i + 1]);
      }
      next++;
    }
  }
  const last = values[values.length - 1];
  if (last !== edges[edges.length - 1]) edges.push(last);
  return edges;
}

/**
 * Bin counts of raw finite values on fixed edges, overflow bins included
 * (k + 2 counts), binned by their exact values.
 */
export function binCounts(
  edges: ArrayLike<number>,
  values: ArrayLike<number>,
): Float64Array {
  const counts = new Float64Array(edges.length + 1);
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (Number.isFinite(x)) counts[binIndex(edges, x)]++;
  }
  return counts;
}

/** Accumulates the profile of one categorical feature. */
export class CategoricalAccumulator {
  private count = 0;
  private missing = 0;
  private other = 0;
  private readonly counts = new Map<string, number>();

  constructor(readonly feature: string) {}

  add(value: string): void {
    this.count++;
    const seen = this.counts.get(value);
    if (seen !== undefined) {
      this.counts.set(value, seen + 1);
      return;
    }
    if (this.counts.size >= CATEGORY_CAPACITY) this.foldRarest();
    this.counts.set(value, 1);
  }

  addMissing(): void {
    this.missing++;
  }

  /** Folds the rarer half of the tracked categories into `other`. */
  private foldRarest(): void {
    const sorted = [...this.counts].sort((a, b) => a[1] - b[1]);
    for (const [value, c] of sorted.slice(0, sorted.length / 2)) {
      this.other += c;
      this.counts.delete(value);
    }
  }

  finish(): CategoricalFeatureProfile {
    const sorted = [...this.counts].sort(
      (a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1),
    );
    const top = sorted.slice(0, TOP_K);
    let other = this.other;
    for (const [, c] of sorted.slice(TOP_K)) other += c;
    return {
      feature: this.feature,
      kind: 'categorical',
      categories: top.map(([value, count]) => ({ value, count })),
      other,
      stats: { count: this.count, missing: this.missing },
    };
  }
}

function mergeStats(
  a: NumericFeatureProfile['stats'],
  b: NumericFeatureProfile['stats'],
): NumericFeatureProfile['stats'] {
  const count = a.count + b.count;
  const base = {
    count,
    missing: (a.missing ?? 0) + (b.missing ?? 0),
    nonFinite: (a.nonFinite ?? 0) + (b.nonFinite ?? 0),
  };
  if (a.mean === undefined || a.std === undefined) return { ...b, ...base };
  if (b.mean === undefined || b.std === undefined) return { ...a, ...base };
  // Chan et al.'s pairwise update of mean and sum of squared deviations.
  const delta = b.mean - a.mean;
  const mean = a.mean + (delta * b.count) / count;
  const m2 =
    a.std ** 2 * a.count +
    b.std ** 2 * b.count +
    (delta ** 2 * a.count * b.count) / count;
  return {
    ...base,
    mean,
    std: Math.sqrt(m2 / count),
    min: Math.min(a.min ?? Infinity, b.min ?? Infinity),
    max: Math.max(a.max ?? -Infinity, b.max ?? -Infinity),
  };
}

function sameEdges(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((e, i) => e === b[i]);
}

/**
 * Merges two profiles of one numeric feature on the same edges: counts add,
 * statistics combine exactly, sketches merge; the exact sample and the
 * distinct values survive while their limits hold.
 */
export function mergeNumeric(
  a: NumericFeatureProfile,
  b: NumericFeatureProfile,
): NumericFeatureProfile {
  if (!sameEdges(a.histogram.binEdges, b.histogram.binEdges)) {
    throw new Error(`profiles of "${a.feature}" have different bin edges`);
  }
  let sketch: NumericFeatureProfile['sketch'];
  if (a.sketch && b.sketch) {
    const merged = new Sketch();
    merged.merge(a.sketch);
    merged.merge(b.sketch);
    sketch = merged.toData();
  }
  const sample =
    a.sample && b.sample && a.sample.length + b.sample.length <= SAMPLE_LIMIT
      ? [...a.sample, ...b.sample].sort((x, y) => x - y)
      : undefined;
  let distinct: NumericFeatureProfile['distinct'];
  if (a.distinct && b.distinct) {
    const union = new Map<number, number>();
    for (const { value, count } of [...a.distinct, ...b.distinct]) {
      union.set(value, (union.get(value) ?? 0) + count);
    }
    if (union.size <= DISTINCT_LIMIT) {
      distinct = [...union]
        .sort((x, y) => x[0] - y[0])
        .map(([value, count]) => ({ value, count }));
    }
  }
  return {
    feature: a.feature,
    kind: 'numeric',
    histogram: {
      binEdges: a.histogram.binEdges,
      counts: a.histogram.counts.map((c, i) => c + b.histogram.counts[i]),
    },
    below: (a.below ?? 0) + (b.below ?? 0),
    above: (a.above ?? 0) + (b.above ?? 0),
    stats: mergeStats(a.stats, b.stats),
    ...(sketch && { sketch }),
    ...(sample && { sample }),
    ...(distinct && { distinct }),
  };
}

/** Merges two profiles of one categorical feature. */
export function mergeCategorical(
  a: CategoricalFeatureProfile,
  b: CategoricalFeatureProfile,
): CategoricalFeatureProfile {
  const counts = new Map<string, number>();
  for (const { value, count } of [...a.categories, ...b.categories]) {
    counts.set(value, (counts.get(value) ?? 0) + count);
  }
  const sorted = [...counts].sort(
    (x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1),
  );
  let other = a.other + b.other;
  for (const [, c] of sorted.slice(TOP_K)) other += c;
  return {
    feature: a.feature,
    kind: 'categorical',
    categories: sorted
      .slice(0, TOP_K)
      .map(([value, count]) => ({ value, count })),
    other,
    stats: {
      count: a.stats.count + b.stats.count,
      missing: (a.stats.missing ?? 0) + (b.stats.missing ?? 0),
    },
  };
}
