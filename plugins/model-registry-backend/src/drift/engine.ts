/**
 * Drift of a window against the reference, per feature and for the model:
 * Evidently's choice of test, per-method thresholds, and the model verdict
 * by share of drifted features or with a multiple-testing correction.
 */
import {
  CategoricalFeatureProfile,
  FeatureDrift,
  FeatureProfile,
  modelRegistrySchemas,
  NumericFeatureProfile,
} from '@mlreg/plugin-model-registry-common';
import { binCounts } from './profile';
import { sketchPoints } from './sketch';
import { sortedCopy } from './sort';
import { ksTwoSamplePValue } from './special';
import {
  chiSquareGoodnessOfFit,
  compareCdfs,
  jensenShannon,
  JsBase,
  ksTest,
  psi,
  PsiEmptyBinRule,
  twoProportionZ,
  wasserstein1,
  wasserstein1Normed,
} from './statistics';

/** The drift statistics a feature can be scored with (the API's `driftMethod`). */
export const DRIFT_METHODS = modelRegistrySchemas.driftMethod.options;
export type DriftMethod = (typeof DRIFT_METHODS)[number];

/** Evidently's default thresholds. */
export const DEFAULT_THRESHOLDS: Record<DriftMethod, number> = {
  ks: 0.05,
  chisquare: 0.05,
  z: 0.05,
  psi: 0.1,
  jensenshannon: 0.1,
  wasserstein: 0.1,
};

/** Methods whose score is a p-value: drift when the p-value is small. */
const P_VALUE_METHODS: ReadonlySet<DriftMethod> = new Set([
  'ks',
  'chisquare',
  'z',
]);

/** How a model's verdict is reached from its features. */
export type DriftCorrection = 'none' | 'bonferroni' | 'fdr';

/** Settings of a drift check; every field has a default. */
export interface DriftOptions {
  /** A method for every feature, instead of the automatic choice. */
  method?: DriftMethod;
  /** A method per feature name; wins over `method`. */
  methods?: Record<string, DriftMethod>;
  /** Thresholds per method, over `DEFAULT_THRESHOLDS`. */
  thresholds?: Partial<Record<DriftMethod, number>>;
  /** With no correction, the model drifts when this share of features drifts (0.5). */
  driftShare?: number;
  /** `bonferroni` or `fdr` (Benjamini-Hochberg) over the p-value features: the model drifts when any feature does. */
  correction?: DriftCorrection;
  /** A feature needs this many reference values to be scored (30). */
  minReference?: number;
  /** A feature needs this many current values to be scored (100). */
  minCurrent?: number;
  psiRule?: PsiEmptyBinRule;
  jsBase?: JsBase;
}

/** A feature left out of the verdict, and why. */
export interface SkippedFeature {
  feature: string;
  reason: string;
}

/** The outcome of a check. `verdict` is absent when no feature had enough data. */
export interface DriftResult {
  verdict?: 'drift' | 'no-drift';
  driftedShare: number;
  features: FeatureDrift[];
  skipped: SkippedFeature[];
}

type Counts = Float64Array;

/** The same bins for both sides, and what the Z-test needs. */
interface Binned {
  reference: Counts;
  current: Counts;
  /** Number of distinct values over both sides (Evidently's n_values), capped. */
  distinctValues: number;
  /** The current counts as a histogram for the report. */
  histogram: FeatureDrift['current'];
}

function numericCounts(p: NumericFeatureProfile): Counts {
  return Float64Array.from([p.below ?? 0, ...p.histogram.counts, p.above ?? 0]);
}

/** A numeric feature with at most 20 distinct values on both sides is binned per value. */
function binNumeric(
  ref: NumericFeatureProfile,
  cur: NumericFeatureProfile,
): Binned {
  if (ref.distinct && cur.distinct) {
    const keys = [
      ...new Set([...ref.distinct, ...cur.distinct].map(d => d.value)),
    ].sort((a, b) => a - b);
    const side = (p: NumericFeatureProfile) => {
      const counts = new Map(p.distinct!.map(d => [d.value, d.count]));
      return Float64Array.from(keys, k => counts.get(k) ?? 0);
    };
    const current = side(cur);
    return {
      reference: side(ref),
      current,
      distinctValues: keys.length,
      histogram: { binEdges: keys, counts: Array.from(current) },
    };
  }
  return {
    reference: numericCounts(ref),
    current: numericCounts(cur),
    distinctValues: Infinity,
    histogram: cur.histogram,
  };
}

/**
 * Categories on both sides. A current category the reference does not list
 * goes to `other` when the reference has values there (it may be one of
 * them), otherwise to a bin of its own that the reference has nothing in.
 */
function binCategorical(
  ref: CategoricalFeatureProfile,
  cur: CategoricalFeatureProfile,
): Binned {
  const refCounts = new Map(ref.categories.map(c => [c.value, c.count]));
  const keys = ref.categories.map(c => c.value);
  const current = new Map<string, number>();
  let curOther = cur.other;
  for (const { value, count } of cur.categories) {
    if (refCounts.has(value) || ref.other === 0) {
      current.set(value, count);
      if (!refCounts.has(value)) keys.push(value);
    } else {
      curOther += count;
    }
  }
  const hasOther = ref.other > 0 || curOther > 0;
  const reference = Float64Array.from(keys, k => refCounts.get(k) ?? 0);
  const currentCounts = Float64Array.from(keys, k => current.get(k) ?? 0);
  return {
    reference: hasOther
      ? Float64Array.from([...reference, ref.other])
      : reference,
    current: hasOther
      ? Float64Array.from([...currentCounts, curOther])
      : currentCounts,
    distinctValues: keys.length + (hasOther ? 1 : 0),
    histogram: undefined,
  };
}

/** Evidently's automatic choice (`_get_default_stattest`). */
export function chooseMethod(
  kind: 'numeric' | 'categorical',
  referenceSize: number,
  distinctValues: number,
): DriftMethod {
  if (referenceSize <= 1000) {
    if (distinctValues <= 2) return 'z';
    if (kind === 'categorical' || distinctValues <= 5) return 'chisquare';
    return 'ks';
  }
  return kind === 'numeric' && distinctValues > 5
    ? 'wasserstein'
    : 'jensenshannon';
}

interface Points {
  values: Float64Array;
  weights?: Float64Array;
}

/**
 * The values KS and Wasserstein run on: both exact samples when both sides
 * kept theirs, otherwise both sketches; undefined when a side has neither
 * (a pre-binned batch).
 */
function pointsOf(
  ref: NumericFeatureProfile,
  cur: NumericFeatureProfile,
): { reference: Points; current: Points; exact: boolean } | undefined {
  if (ref.sample && cur.sample) {
    return {
      reference: { values: Float64Array.from(ref.sample) },
      current: { values: Float64Array.from(cur.sample) },
      exact: true,
    };
  }
  if (ref.sketch && cur.sketch) {
    return {
      reference: sketchPoints(ref.sketch),
      current: sketchPoints(cur.sketch),
      exact: false,
    };
  }
  return undefined;
}

function scoreFeature(
  ref: FeatureProfile,
  cur: FeatureProfile,
  requested: DriftMethod | undefined,
  options: DriftOptions,
): FeatureDrift {
  const numeric = ref.kind !== 'categorical' && cur.kind !== 'categorical';
  const binned = numeric
    ? binNumeric(ref as NumericFeatureProfile, cur as NumericFeatureProfile)
    : binCategorical(
        ref as CategoricalFeatureProfile,
        cur as CategoricalFeatureProfile,
      );
  let method =
    requested ??
    chooseMethod(
      numeric ? 'numeric' : 'categorical',
      ref.stats.count,
      binned.distinctValues,
    );
  const details: Record<string, string | number> = {};
  const points = numeric
    ? pointsOf(ref as NumericFeatureProfile, cur as NumericFeatureProfile)
    : undefined;
  if ((method === 'ks' || method === 'wasserstein') && !points) {
    details.fallbackFrom = method;
    method = 'jensenshannon';
  }
  const threshold = options.thresholds?.[method] ?? DEFAULT_THRESHOLDS[method];
  let score: number;
  let statistic: number | undefined;
  switch (method) {
    case 'ks': {
      const r = ksTest(
        points!.reference.values,
        points!.current.values,
        points!.reference.weights,
        points!.current.weights,
      );
      score = r.pValue;
      statistic = r.statistic;
      details.pValueMethod = r.pValueMethod;
      details.data = points!.exact ? 'sample' : 'sketch';
      break;
    }
    case 'wasserstein': {
      const w1 = wasserstein1(
        points!.reference.values,
        points!.current.values,
        points!.reference.weights,
        points!.current.weights,
      );
      score = wasserstein1Normed(w1, ref.stats.std ?? 0);
      details.data = points!.exact ? 'sample' : 'sketch';
      break;
    }
    case 'psi':
      details.emptyBinRule = options.psiRule ?? 'evidently';
      score = psi(binned.reference, binned.current, options.psiRule);
      break;
    case 'jensenshannon':
      details.base = options.jsBase ?? 'e';
      score = jensenShannon(binned.reference, binned.current, options.jsBase);
      break;
    case 'chisquare': {
      const r = chiSquareGoodnessOfFit(binned.reference, binned.current);
      score = r.pValue;
      statistic = r.statistic;
      break;
    }
    default: {
      // z: the first bin is 0, every other bin 1.
      const n = total(binned.reference);
      const m = total(binned.current);
      const r = twoProportionZ(
        n - binned.reference[0],
        n,
        m - binned.current[0],
        m,
      );
      score = r.pValue;
      statistic = r.statistic;
    }
  }
  return {
    feature: ref.feature,
    method,
    score,
    threshold,
    drifted: isDrifted(method, score, threshold),
    ...(statistic !== undefined && { statistic }),
    details,
    ...(binned.histogram && { current: binned.histogram }),
  };
}

function total(counts: Counts): number {
  let s = 0;
  for (const c of counts) s += c;
  return s;
}

/** Evidently's operators: KS p ≤ t; chi-square and Z p < t; distances score ≥ t. */
function isDrifted(
  method: DriftMethod,
  score: number,
  threshold: number,
): boolean {
  if (method === 'ks') return score <= threshold;
  if (P_VALUE_METHODS.has(method)) return score < threshold;
  return score >= threshold;
}

/**
 * Scores every reference feature the current window has, and decides the
 * model's verdict. Throws when a feature's kinds disagree.
 */
export function compareProfiles(
  reference: FeatureProfile[],
  current: FeatureProfile[],
  options: DriftOptions = {},
): DriftResult {
  const byName = new Map(current.map(p => [p.feature, p]));
  const minReference = options.minReference ?? 30;
  const minCurrent = options.minCurrent ?? 100;
  const features: FeatureDrift[] = [];
  const skipped: SkippedFeature[] = [];
  for (const ref of reference) {
    const cur = byName.get(ref.feature);
    if (!cur) {
      skipped.push({ feature: ref.feature, reason: 'no current values' });
      continue;
    }
    if ((ref.kind === 'categorical') !== (cur.kind === 'categorical')) {
      throw new TypeError(
        `feature "${ref.feature}" is ${ref.kind ?? 'numeric'} in the reference`,
      );
    }
    if (ref.stats.count < minReference) {
      skipped.push({
        feature: ref.feature,
        reason: `${ref.stats.count} reference values, fewer than ${minReference}`,
      });
      continue;
    }
    if (cur.stats.count < minCurrent) {
      skipped.push({
        feature: ref.feature,
        reason: `${cur.stats.count} current values, fewer than ${minCurrent}`,
      });
      continue;
    }
    const requested = options.methods?.[ref.feature] ?? options.method;
    features.push(scoreFeature(ref, cur, requested, options));
  }
  return decideVerdict(features, skipped, options);
}

/** The model's verdict from its scored features (which a correction may re-flag). */
export function decideVerdict(
  features: FeatureDrift[],
  skipped: SkippedFeature[],
  options: DriftOptions,
): DriftResult {
  const correction = options.correction ?? 'none';
  if (correction !== 'none') {
    const tested = features.filter(f =>
      P_VALUE_METHODS.has(f.method as DriftMethod),
    );
    const n = tested.length;
    if (correction === 'bonferroni') {
      for (const f of tested) f.drifted = f.score < f.threshold / n;
    } else {
      // Benjamini-Hochberg: reject the k smallest p-values, k the largest
      // rank with p(k) ≤ k/n · q.
      const sorted = [...tested].sort((a, b) => a.score - b.score);
      let k = 0;
      sorted.forEach((f, i) => {
        if (f.score <= ((i + 1) / n) * f.threshold) k = i + 1;
      });
      sorted.forEach((f, i) => {
        f.drifted = i < k;
      });
    }
  }
  const drifted = features.filter(f => f.drifted).length;
  const driftedShare = features.length ? drifted / features.length : 0;
  let verdict: DriftResult['verdict'];
  if (features.length > 0) {
    const drifts =
      correction === 'none'
        ? driftedShare >= (options.driftShare ?? 0.5)
        : drifted > 0;
    verdict = drifts ? 'drift' : 'no-drift';
  }
  return { verdict, driftedShare, features, skipped };
}

/**
 * KS, PSI, Jensen-Shannon and normed Wasserstein of two raw numeric samples
 * (finite values), exactly: both sorted, bins on the reference's deciles.
 */
export function sampleDrift(
  reference: Float64Array,
  current: Float64Array,
  edges: number[],
): {
  ks: number;
  ksStatistic: number;
  psi: number;
  jensenshannon: number;
  wasserstein: number;
} {
  const ref = sortedCopy(reference);
  const cur = sortedCopy(current);
  const { d, w1 } = compareCdfs(ref, cur);
  const ks = ksTwoSamplePValue(d, ref.length, cur.length);
  let mean = 0;
  for (const x of ref) mean += x;
  mean /= ref.length;
  let ss = 0;
  for (const x of ref) ss += (x - mean) ** 2;
  const std = Math.sqrt(ss / ref.length);
  const refCounts = binCounts(edges, ref);
  const curCounts = binCounts(edges, cur);
  return {
    ks: ks.pValue,
    ksStatistic: d,
    psi: psi(refCounts, curCounts),
    jensenshannon: jensenShannon(refCounts, curCounts),
    wasserstein: wasserstein1Normed(w1, std),
  };
}
