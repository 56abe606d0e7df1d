import {
  DriftReport,
  FeatureDrift,
  Histogram,
} from '@mlreg/plugin-model-registry-common';
import { formatValue } from '../shared';

/**
 * How far a score is towards its threshold (1 = at the threshold). Methods
 * score on different scales, so features only compare this way.
 */
function driftRatio({ score, threshold }: FeatureDrift): number {
  return threshold > 0 ? score / threshold : score;
}

/** Orders features most drifted first, then by name. */
export function mostDriftedFirst(a: FeatureDrift, b: FeatureDrift): number {
  return driftRatio(b) - driftRatio(a) || a.feature.localeCompare(b.feature);
}

/**
 * Every feature the reports mention: those of the newest window first, most
 * drifted first, then any that only older windows have, by name.
 */
export function rankFeatures(reports: DriftReport[]): string[] {
  const ranked = [...(reports[0]?.features ?? [])]
    .sort(mostDriftedFirst)
    .map(f => f.feature);
  const older = new Set<string>();
  for (const report of reports) {
    for (const f of report.features) older.add(f.feature);
  }
  for (const feature of ranked) older.delete(feature);
  return [...ranked, ...[...older].sort()];
}

/** The drifted features of a report, as `3 of 20 (15%)`. */
export function describeDriftedShare(report: DriftReport): string {
  const drifted = report.features.filter(f => f.drifted).length;
  return `${drifted} of ${report.features.length} (${formatShare(
    report.driftedShare,
  )})`;
}

/** A share between 0 and 1 as a percentage. */
export function formatShare(share: number): string {
  return `${+(share * 100).toFixed(1)}%`;
}

/** One bin of a distribution comparison; shares are absent without a histogram. */
export interface BinShares {
  bin: string;
  reference?: number;
  current?: number;
}

function shares(histogram: Histogram): number[] {
  const total = histogram.counts.reduce((sum, count) => sum + count, 0);
  return histogram.counts.map(count => (total > 0 ? count / total : 0));
}

/**
 * The reference and current histograms bin by bin, as shares of their
 * totals: training sets and production windows differ in size, so raw counts
 * would not compare. The current histogram is on the reference's bins.
 */
export function compareHistograms(
  reference: Histogram | undefined,
  current: Histogram | undefined,
): BinShares[] {
  const edges = (reference ?? current)?.binEdges ?? [];
  const referenceShares = reference ? shares(reference) : [];
  const currentShares = current ? shares(current) : [];
  return edges.slice(0, -1).map((low, i) => ({
    bin: `[${formatValue(low)}, ${formatValue(edges[i + 1])})`,
    reference: referenceShares[i],
    current: currentShares[i],
  }));
}
