/**
 * Special functions the drift tests need: log-gamma, the regularised
 * incomplete gamma function (chi-square and normal tails) and the
 * distribution of the two-sample Kolmogorov-Smirnov statistic.
 */

const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028,
  771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0 (Lanczos, about 15 significant digits). */
export function logGamma(x: number): number {
  if (x < 0.5) {
    // Reflection: Γ(x)Γ(1-x) = π / sin(πx).
    return (
      Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x)
    );
  }
  const z = x - 1;
  let a = LANCZOS[0];
  const t = z + LANCZOS_G + 0.5;
  for (let i = 1; i < LANCZOS.length; i++) a += LANCZOS[i] / (z + i);
  return (
    0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a)
  );
}

const EPSILON = 1e-16;
const TINY = 1e-300;
const MAX_ITERATIONS = 10_000;

/** Q(a, x) = Γ(a, x) / Γ(a), the regularised upper incomplete gamma function. */
export function upperGammaRegularized(a: number, x: number): number {
  if (x <= 0) return 1;
  if (!Number.isFinite(x)) return 0;
  const logPrefix = a * Math.log(x) - x - logGamma(a);
  if (x < a + 1) {
    // Series for P(a, x), then Q = 1 - P.
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < MAX_ITERATIONS; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * EPSILON) break;
    }
    return Math.max(0, 1 - sum * Math.exp(logPrefix));
  }
  // Continued fraction for Q(a, x) (modified Lentz).
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITERATIONS; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPSILON) break;
  }
  return Math.min(1, Math.exp(logPrefix) * h);
}

/** P(X ≥ x) for X ~ χ²(df). */
export function chiSquareSf(x: number, df: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  return upperGammaRegularized(df / 2, x / 2);
}

/** P(Z ≥ z) for a standard normal Z. */
export function normalSf(z: number): number {
  if (z >= 0) return 0.5 * upperGammaRegularized(0.5, (z * z) / 2);
  return 1 - normalSf(-z);
}

function gcd(a: number, b: number): number {
  let x = a;
  let y = b;
  while (y) [x, y] = [y, x % y];
  return x;
}

/** Samples up to this size get the exact p-value (scipy's `MAX_AUTO_N`). */
export const KS_EXACT_MAX_N = 10_000;

/** Which distribution a KS p-value came from. */
export type KsPValueMethod = 'exact' | 'asymptotic';

/**
 * Two-sided p-value of the two-sample KS statistic `d` for samples of sizes
 * `n` and `m`, chosen as `scipy.stats.ks_2samp(method='auto')` does: the
 * exact distribution when both samples hold at most 10,000 values,
 * otherwise the distribution of the one-sample statistic for
 * `round(nm / (n + m))` values (`kstwo.sf`).
 */
export function ksTwoSamplePValue(
  d: number,
  n: number,
  m: number,
): { pValue: number; method: KsPValueMethod } {
  if (Math.max(n, m) <= KS_EXACT_MAX_N) {
    const exact = ksExactPValue(d, n, m);
    if (exact !== undefined) return { pValue: exact, method: 'exact' };
  }
  const big = Math.max(n, m);
  const small = Math.min(n, m);
  const en = Math.round((big * small) / (big + small));
  return { pValue: clip01(kolmogorovSf(d, en)), method: 'asymptotic' };
}

function clip01(p: number): number {
  return Math.min(1, Math.max(0, p));
}

/**
 * The exact two-sided p-value, counting lattice paths (Hodges; the
 * numerically stable 1 - p recursion of Viehmann, arXiv:2102.08037).
 * Undefined when the computation loses its precision.
 */
function ksExactPValue(d: number, n1: number, n2: number): number | undefined {
  const g = gcd(n1, n2);
  const lcm = (n1 / g) * n2;
  const h = Math.round(d * lcm);
  if (h === 0) return 1;
  const p =
    n1 === n2 ? outsideSquare(n1, h) : outsideBandInsideMethod(n1, n2, g, h);
  return Number.isFinite(p) && p >= 0 && p <= 1 ? p : undefined;
}

/** P(D_{n,n} ≥ h/n) by an alternating sum evaluated Horner-style. */
function outsideSquare(n: number, h: number): number {
  let p = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let term = 1;
    for (let j = 0; j < h; j++)
      term = ((n - k * h - j) * term) / (n + k * h + j + 1);
    p = term * (1 - p);
  }
  return 2 * p;
}

/** Share of lattice paths (0,0)→(m,n) leaving the band |x/m − y/n| < h/lcm. */
function outsideBandInsideMethod(
  a: number,
  b: number,
  g: number,
  h: number,
): number {
  const m = Math.max(a, b);
  const n = Math.min(a, b);
  const mg = m / g;
  const ng = n / g;
  let minj = 0;
  let maxj = Math.min(Math.ceil(h / mg), n + 1);
  let curlen = maxj - minj;
  const column = new Float64Array(Math.min(2 * maxj + 2, n + 1)).fill(1);
  column.fill(0, minj, maxj);
  for (let i = 1; i <= m; i++) {
    const lastminj = minj;
    const lastlen = curlen;
    minj = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxj <= minj) return 1;
    let val = minj === 0 ? 0 : 1;
    for (let jj = 0; jj < maxj - minj; jj++) {
      const j = jj + minj;
      val = (column[jj + minj - lastminj] * i + val * j) / (i + j);
      column[jj] = val;
    }
    curlen = maxj - minj;
    if (lastlen > curlen) column.fill(1, curlen, curlen + (lastlen - curlen));
  }
  return column[maxj - minj - 1];
}

/**
 * P(D_n ≥ x) for the one-sample two-sided KS statistic with n values, along
 * the lines of Simard & L'Ecuyer (2011) as scipy's `kstwo.sf` does: exact
 * formulas at the ends (Ruben-Gambino), twice the one-sided Smirnov tail
 * where that is within double precision (n·x² ≥ 2.2 or x ≥ 0.5), and the
 * Pelz-Good expansion in between. scipy uses Durbin's matrix method for
 * n ≤ 140 and for n·x^1.5 ≤ 1.4 with n ≤ 100,000; there the Pelz-Good value
 * differs from it in the fourth significant digit at most for n ≥ 140
 * (checked against scipy in the tests).
 */
export function kolmogorovSf(x: number, n: number): number {
  if (x >= 1) return 0;
  if (x <= 0) return 1;
  const t = n * x;
  if (t <= 0.5) return 1;
  if (t <= 1) {
    // P(D_n < x) = n!/n^n (2t - 1)^n
    let logCdf = n * Math.log(2 * t - 1);
    for (let i = 1; i <= n; i++) logCdf += Math.log(i / n);
    return 1 - Math.exp(logCdf);
  }
  if (t >= n - 1) return 2 * Math.pow(1 - x, n);
  const nxx = t * x;
  if (nxx >= 370) return 0;
  if (x >= 0.5 || nxx >= 2.2) return 2 * smirnovSf(n, x);
  if (nxx >= 18) return 0;
  return 1 - pelzGoodCdf(n, x);
}

/**
 * P(D⁺_n ≥ x), the one-sided Smirnov tail, by the Birnbaum-Tingey sum
 * x Σ_j C(n,j) (1 − x − j/n)^(n−j) (x + j/n)^(j−1), in logarithms.
 */
export function smirnovSf(n: number, x: number): number {
  if (x <= 0) return 1;
  if (x >= 1) return 0;
  const last = Math.floor(n * (1 - x));
  let logBinom = 0;
  let sum = 0;
  for (let j = 0; j <= last; j++) {
    if (j > 0) logBinom += Math.log((n - j + 1) / j);
    const rest = 1 - x - j / n;
    if (rest <= 0) break;
    const logTerm =
      logBinom + (n - j) * Math.log(rest) + (j - 1) * Math.log(x + j / n);
    sum += Math.exp(logTerm);
  }
  return Math.min(1, x * sum);
}

const PI2 = Math.PI ** 2;
const PI4 = Math.PI ** 4;
const PI6 = Math.PI ** 6;
const SQRT2PI = Math.sqrt(2 * Math.PI);

/** Pelz-Good (1976) approximation of P(D_n ≤ x). */
function pelzGoodCdf(n: number, x: number): number {
  const z = Math.sqrt(n) * x;
  const z2 = z * z;
  const z3 = z2 * z;
  const z4 = z2 * z2;
  const z6 = z4 * z2;
  const qlog = -PI2 / 8 / z2;
  if (qlog < -708) return 0;
  let q = Math.exp(qlog);
  const k1a = -z2;
  const k1b = PI2 / 4;
  const k2a = 6 * z6 + 2 * z4;
  const k2b = ((2 * z4 - 5 * z2) * PI2) / 4;
  const k2c = (PI4 * (1 - 2 * z2)) / 16;
  const k3d = (PI6 * (5 - 30 * z2)) / 64;
  const k3c = (PI4 * (-60 * z2 + 212 * z4)) / 16;
  const k3b = (PI2 * (135 * z4 - 96 * z6)) / 4;
  const k3a = -30 * z6 - 90 * z4 * z4;
  const terms = [0, 0, 0, 0];
  const maxk = Math.ceil((16 * z) / Math.PI);
  for (let k = maxk; k > 0; k--) {
    const m = 2 * k - 1;
    const m2 = m * m;
    const m4 = m2 * m2;
    const m6 = m4 * m2;
    const qpower = Math.pow(q, 8 * k);
    terms[0] = terms[0] * qpower + 1;
    terms[1] = terms[1] * qpower + k1a + k1b * m2;
    terms[2] = terms[2] * qpower + k2a + k2b * m2 + k2c * m4;
    terms[3] = terms[3] * qpower + k3a + k3b * m2 + k3c * m4 + k3d * m6;
  }
  const divisors = [z, 6 * z4, 72 * z4 * z3, 6480 * z6 * z4];
  for (let i = 0; i < 4; i++) terms[i] = (terms[i] * q * SQRT2PI) / divisors[i];
  q = Math.exp(-PI2 / 2 / z2);
  let k2extra = 0;
  let k3extra = 0;
  const sqrt3z = Math.sqrt(3) * z;
  for (let k = maxk; k > 0; k--) {
    const k2 = k * k;
    const qp = Math.pow(q, k2);
    const kpi = Math.PI * k;
    k2extra += k2 * qp;
    k3extra += (sqrt3z + kpi) * (sqrt3z - kpi) * k2 * qp;
  }
  terms[2] += (k2extra * PI2 * SQRT2PI) / (-36 * z3);
  terms[3] += (k3extra * PI2 * SQRT2PI) / (216 * z6);
  let cdf = 0;
  for (let i = 0; i < 4; i++) cdf += terms[i] / Math.pow(n, i / 2);
  return cdf;
}
