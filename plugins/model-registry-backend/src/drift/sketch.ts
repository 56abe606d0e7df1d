/**
 * A mergeable log-bucket quantile sketch (the DDSketch layout): a value x
 * with |x| ≥ 1e-9 falls in bucket k = ⌈log_γ |x|⌉ of its sign, γ = (1+α)/(1−α),
 * and stands for 2γ^k/(γ+1), within a relative error α of x. Smaller
 * magnitudes count as 0. Bucket counts are exact and merge by addition, so
 * histograms, CDFs, KS and Wasserstein distances of windows of any size come
 * from a few kilobytes per feature.
 *
 * Bounds: at most `MAX_BUCKETS` buckets per sign; beyond that the buckets of
 * the smallest magnitudes are folded into the smallest kept one (their
 * values then lose the relative-error guarantee, counts stay exact).
 */

import { QuantileSketch } from '@mlreg/plugin-model-registry-common';

/** Relative accuracy α of a bucket's representative value. */
export const SKETCH_ALPHA = 0.01 as const;
const GAMMA = (1 + SKETCH_ALPHA) / (1 - SKETCH_ALPHA);
const LOG_GAMMA = Math.log(GAMMA);
/** Magnitudes below this count in the zero bucket. */
export const SKETCH_MIN_MAGNITUDE = 1e-9;
/** Buckets kept per sign (2,048 buckets span 1e-9 to about 6e8 at full accuracy). */
export const MAX_BUCKETS = 2048;

/** Bucket counts of one sign: `counts[i]` is bucket `offset + i`. */
export interface SketchStore {
  offset: number;
  counts: number[];
}

/** The serialised sketch. */
export type SketchData = QuantileSketch;

/** The bucket of a magnitude ≥ SKETCH_MIN_MAGNITUDE. */
export function bucketKey(magnitude: number): number {
  return Math.ceil(Math.log(magnitude) / LOG_GAMMA);
}

/** The value bucket k stands for. */
export function bucketValue(key: number): number {
  return (2 * Math.pow(GAMMA, key)) / (GAMMA + 1);
}

/** Dense counts over a sliding key range. */
class Store {
  offset = 0;
  counts = new Float64Array(0);

  add(key: number, count: number): void {
    if (this.counts.length === 0) {
      this.offset = key;
      this.counts = new Float64Array(16);
    }
    let index = key - this.offset;
    if (index < 0 || index >= this.counts.length) index = this.grow(key);
    this.counts[index] += count;
  }

  /** Makes room for `key`; returns its index. */
  private grow(key: number): number {
    let used = this.counts.length - 1;
    while (used > 0 && this.counts[used] === 0) used--;
    let first = 0;
    while (first < used && this.counts[first] === 0) first++;
    const lowest = Math.min(key, this.offset + first);
    const highest = Math.max(key, this.offset + used);
    let span = highest - lowest + 1;
    let newOffset = lowest;
    if (span > MAX_BUCKETS) {
      newOffset = highest - MAX_BUCKETS + 1;
      span = MAX_BUCKETS;
    }
    const size = Math.min(MAX_BUCKETS, Math.max(span, 2 * this.counts.length));
    // Room on the side that grew, so the next new extreme fits.
    if (key < this.offset + first)
      newOffset = Math.max(highest - size + 1, lowest - (size - span));
    const counts = new Float64Array(size);
    for (let i = 0; i < this.counts.length; i++) {
      const c = this.counts[i];
      if (c === 0) continue;
      const k = Math.max(this.offset + i, newOffset);
      counts[k - newOffset] += c;
    }
    this.offset = newOffset;
    this.counts = counts;
    return Math.max(key, newOffset) - newOffset;
  }

  toData(): SketchStore {
    let first = 0;
    let last = this.counts.length - 1;
    while (first <= last && this.counts[first] === 0) first++;
    while (last >= first && this.counts[last] === 0) last--;
    return {
      offset: this.offset + first,
      counts: Array.from(this.counts.subarray(first, last + 1)),
    };
  }

  addData(data: SketchStore): void {
    for (let i = 0; i < data.counts.length; i++) {
      if (data.counts[i] > 0) this.add(data.offset + i, data.counts[i]);
    }
  }
}

/** Accumulates a sketch. */
export class Sketch {
  private zero = 0;
  private readonly positive = new Store();
  private readonly negative = new Store();

  /** Adds one finite value. */
  add(x: number): void {
    if (x >= SKETCH_MIN_MAGNITUDE) this.positive.add(bucketKey(x), 1);
    else if (x <= -SKETCH_MIN_MAGNITUDE) this.negative.add(bucketKey(-x), 1);
    else this.zero++;
  }

  merge(data: SketchData): void {
    this.zero += data.zero;
    this.positive.addData(data.positive);
    this.negative.addData(data.negative);
  }

  toData(): SketchData {
    return {
      alpha: SKETCH_ALPHA,
      zero: this.zero,
      positive: this.positive.toData(),
      negative: this.negative.toData(),
    };
  }
}

/** The sketch as ascending representative values with their counts. */
export function sketchPoints(data: SketchData): {
  values: Float64Array;
  weights: Float64Array;
} {
  const values: number[] = [];
  const weights: number[] = [];
  const { negative, positive } = data;
  for (let i = negative.counts.length - 1; i >= 0; i--) {
    if (negative.counts[i] > 0) {
      values.push(-bucketValue(negative.offset + i));
      weights.push(negative.counts[i]);
    }
  }
  if (data.zero > 0) {
    values.push(0);
    weights.push(data.zero);
  }
  for (let i = 0; i < positive.counts.length; i++) {
    if (positive.counts[i] > 0) {
      values.push(bucketValue(positive.offset + i));
      weights.push(positive.counts[i]);
    }
  }
  return {
    values: Float64Array.from(values),
    weights: Float64Array.from(weights),
  };
}
