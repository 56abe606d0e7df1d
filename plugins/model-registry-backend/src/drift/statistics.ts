/**
 * The statistics behind drift scores, on typed arrays. Numeric samples are
 * sorted ascending and finite; an optional weight array gives each value a
 * multiplicity (sketch buckets), absent means 1 each. Count arrays are bin
 * counts on the same bins for reference and current.
 */
import {
  chiSquareSf,
  KsPValueMethod,
  ksTwoSamplePValue,
  normalSf,
} from './special';

function total(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return sum;
}

/** Σ weights, or the length when unweighted. */
function sampleSize(values: ArrayLike<number>, weights?: ArrayLike<number>) {
  return weights ? total(weights) : values.length;
}

/**
 * Walks two sorted samples in step over the union of their values: the KS
 * statistic D = sup |F_a − F_b| (ties handled together) and the
 * Wasserstein-1 distance ∫ |F_a − F_b| dx, in one pass.
 */
export function compareCdfs(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  aw?: ArrayLike<number>,
  bw?: ArrayLike<number>,
): { d: number; w1: number } {
  const n = sampleSize(a, aw);
  const m = sampleSize(b, bw);
  const na = a.length;
  const nb = b.length;
  let i = 0;
  let j = 0;
  let ca = 0;
  let cb = 0;
  let d = 0;
  let w1 = 0;
  let prev = 0;
  while (i < na || j < nb) {
    const x = j >= nb || (i < na && a[i] <= b[j]) ? a[i] : b[j];
    const diff = Math.abs(ca / n - cb / m);
    if (i + j > 0) w1 += diff * (x - prev);
    if (diff > d) d = diff;
    while (i < na && a[i] === x) {
      ca += aw ? aw[i] : 1;
      i++;
    }
    while (j < nb && b[j] === x) {
      cb += bw ? bw[j] : 1;
      j++;
    }
    prev = x;
  }
  return { d, w1 };
}

/** The two-sample KS statistic D = sup |F_a − F_b|. */
export function ksStatistic(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  aw?: ArrayLike<number>,
  bw?: ArrayLike<number>,
): number {
  return compareCdfs(a, b, aw, bw).d;
}

/** The result of a two-sample KS test. */
export interface KsResult {
  statistic: number;
  pValue: number;
  /** `exact` up to 10,000 values per sample, otherwise `asymptotic`. */
  pValueMethod: KsPValueMethod;
}

/**
 * Two-sided two-sample Kolmogorov-Smirnov test as `scipy.stats.ks_2samp`;
 * with weights, the sample sizes are the sums of the weights.
 */
export function ksTest(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  aw?: ArrayLike<number>,
  bw?: ArrayLike<number>,
): KsResult {
  const statistic = ksStatistic(a, b, aw, bw);
  const { pValue, method } = ksTwoSamplePValue(
    statistic,
    Math.round(sampleSize(a, aw)),
    Math.round(sampleSize(b, bw)),
  );
  return { statistic, pValue, pValueMethod: method };
}

/** W1 = ∫ |F_a − F_b| dx, as `scipy.stats.wasserstein_distance`. */
export function wasserstein1(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  aw?: ArrayLike<number>,
  bw?: ArrayLike<number>,
): number {
  return compareCdfs(a, b, aw, bw).w1;
}

/** Evidently's floor on the reference standard deviation. */
export const MIN_NORM_STD = 0.001;

/** W1 divided by the reference's population std (floored at 0.001), Evidently's `wasserstein`. */
export function wasserstein1Normed(w1: number, referenceStd: number): number {
  return w1 / Math.max(referenceStd, MIN_NORM_STD);
}

/**
 * How PSI treats a bin one side has no value in.
 * - `evidently`: each side's zero proportions become min(nonzero)/1e6 when
 *   the smallest nonzero proportion is ≤ 1e-4, otherwise 1e-4; not
 *   renormalised (Evidently's `feel_zeroes`).
 * - `laplace`: one is added to every bin count of both sides (Fiddler).
 */
export type PsiEmptyBinRule = 'evidently' | 'laplace';

function proportions(counts: ArrayLike<number>, add = 0): Float64Array {
  const n = total(counts) + add * counts.length;
  const p = new Float64Array(counts.length);
  for (let i = 0; i < counts.length; i++) p[i] = (counts[i] + add) / n;
  return p;
}

function fillZeroes(p: Float64Array): Float64Array {
  let minNonZero = Infinity;
  for (const v of p) if (v > 0 && v < minNonZero) minNonZero = v;
  const fill = minNonZero <= 1e-4 ? minNonZero / 1e6 : 1e-4;
  return p.map(v => (v === 0 ? fill : v));
}

/** PSI = Σ (p − q) ln(p / q) over the bins, with the given empty-bin rule. */
export function psi(
  referenceCounts: ArrayLike<number>,
  currentCounts: ArrayLike<number>,
  rule: PsiEmptyBinRule = 'evidently',
): number {
  const add = rule === 'laplace' ? 1 : 0;
  let p = proportions(referenceCounts, add);
  let q = proportions(currentCounts, add);
  if (rule === 'evidently') {
    p = fillZeroes(p);
    q = fillZeroes(q);
  }
  let sum = 0;
  for (let i = 0; i < p.length; i++)
    sum += (p[i] - q[i]) * Math.log(p[i] / q[i]);
  return sum;
}

/** The logarithm base of a Jensen-Shannon distance: `e` as Evidently, `2` as NannyML. */
export type JsBase = 'e' | '2';

/** Jensen-Shannon distance √JSD as `scipy.spatial.distance.jensenshannon`. */
export function jensenShannon(
  referenceCounts: ArrayLike<number>,
  currentCounts: ArrayLike<number>,
  base: JsBase = 'e',
): number {
  const p = proportions(referenceCounts);
  const q = proportions(currentCounts);
  let sum = 0;
  for (let i = 0; i < p.length; i++) {
    const mid = (p[i] + q[i]) / 2;
    if (p[i] > 0) sum += p[i] * Math.log(p[i] / mid);
    if (q[i] > 0) sum += q[i] * Math.log(q[i] / mid);
  }
  const jsd = Math.max(0, sum / 2) / (base === '2' ? Math.LN2 : 1);
  return Math.sqrt(jsd);
}

/** A test statistic with its p-value. */
export interface TestResult {
  statistic: number;
  pValue: number;
}

/**
 * Chi-square goodness of fit of the current counts against the reference
 * proportions, as Evidently's `chisquare` (`scipy.stats.chisquare` with
 * expected = reference · m/n, df = bins − 1, no Yates correction). A bin only
 * the current sample has gives χ² = ∞, p = 0; bins empty on both sides are
 * left out.
 */
export function chiSquareGoodnessOfFit(
  referenceCounts: ArrayLike<number>,
  currentCounts: ArrayLike<number>,
): TestResult {
  const n = total(referenceCounts);
  const m = total(currentCounts);
  let statistic = 0;
  let bins = 0;
  for (let i = 0; i < referenceCounts.length; i++) {
    const expected = (referenceCounts[i] * m) / n;
    const observed = currentCounts[i];
    if (expected === 0 && observed === 0) continue;
    bins++;
    if (expected === 0) return { statistic: Infinity, pValue: 0 };
    statistic += (observed - expected) ** 2 / expected;
  }
  if (bins < 2) return { statistic: 0, pValue: 1 };
  return { statistic, pValue: chiSquareSf(statistic, bins - 1) };
}

/**
 * Two-proportion Z-test (Evidently's `z`): successes out of n in the
 * reference, out of m in the current sample; two-sided p-value. Both
 * samples constant and equal gives p = 1.
 */
export function twoProportionZ(
  referenceSuccesses: number,
  n: number,
  currentSuccesses: number,
  m: number,
): TestResult {
  const p1 = referenceSuccesses / n;
  const p2 = currentSuccesses / m;
  const pooled = (referenceSuccesses + currentSuccesses) / (n + m);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n + 1 / m));
  if (se === 0) return { statistic: 0, pValue: p1 === p2 ? 1 : 0 };
  const z = (p1 - p2) / se;
  return { statistic: z, pValue: 2 * normalSf(Math.abs(z)) };
}
