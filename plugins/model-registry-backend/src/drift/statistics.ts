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
 * Walks two sorted samples in step over the union of their values and calls
 * `visit(x, previousX, cdfA, cdfB)` with the empirical CDFs just below `x`,
 * then after the last value with `x = NaN` and both CDFs at 1.
 */
function walkCdfs(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  aw: ArrayLike<number> | undefined,
  bw: ArrayLike<number> | undefined,
  visit: (x: number, prev: number, fa: number, fb: number) => void,
): void {
  const n = sampleSize(a, aw);
  const m = sampleSize(b, bw);
  let i = 0;
  let j = 0;
  let ca = 0;
  let cb = 0;
  let prev = Number.NaN;
  while (i < a.length || j < b.length) {
    const x = j >= b.length || (i < a.length && a[i] <= b[j]) ? a[i] : b[j];
    visit(x, prev, ca / n, cb / m);
    while (i < a.length && a[i] === x) ca += aw ? aw[i++] : (i++, 1);
    while (j < b.length && b[j] === x) cb += bw ? bw[j++] : (j++, 1);
    prev = x;
  }
  visit(Number.NaN, prev, 1, 1);
}

/** The two-sample KS statistic D = sup |F_a − F_b| (ties handled together). */
export function ksStatistic(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  aw?: ArrayLike<number>,
  bw?: ArrayLike<number>,
): number {
  let d = 0;
  walkCdfs(a, b, aw, bw, (_x, _prev, fa, fb) => {
    const diff = Math.abs(fa - fb);
    if (diff > d) d = diff;
  });
  return d;
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
  let w = 0;
  walkCdfs(a, b, aw, bw, (x, prev, fa, fb) => {
    if (!Number.isNaN(prev) && !Number.isNaN(x)) w += Math.abs(fa - fb) * (x - prev);
  });
  return w;
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
  for (let i = 0; i < p.length; i++) sum += (p[i] - q[i]) * Math.log(p[i] / q[i]);
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
