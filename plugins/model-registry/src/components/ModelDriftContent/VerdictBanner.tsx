import { Alert } from '@backstage/ui';
import { DriftReport } from '@mlreg/plugin-model-registry-common';
import { formatTimestamp } from '../shared';
import { describeDriftedShare, mostDriftedFirst } from './driftData';

/** How many drifted features the banner names before summing up the rest. */
const NAMED_FEATURES = 5;

function driftedFeatures(report: DriftReport): string {
  const names = report.features
    .filter(f => f.drifted)
    .sort(mostDriftedFirst)
    .map(f => f.feature);
  const more = names.length - NAMED_FEATURES;
  return more > 0
    ? `${names.slice(0, NAMED_FEATURES).join(', ')} and ${more} more`
    : names.join(', ');
}

/** The verdict of the newest window, loud when retraining is suggested. */
export const VerdictBanner = ({ report }: { report: DriftReport }) => {
  const newestWindow = `The newest window (ending ${formatTimestamp(
    report.windowEnd,
  )}, v${report.version})`;
  if (report.verdict === 'no-drift' && !report.retrainingSuggested) {
    return (
      <Alert
        status="success"
        icon
        title="No drift in the newest window"
        description={`${newestWindow} drifted on ${describeDriftedShare(
          report,
        )} features.`}
      />
    );
  }
  const description = `${newestWindow} drifted on ${describeDriftedShare(
    report,
  )} features: ${driftedFeatures(report)}.`;
  return report.retrainingSuggested ? (
    <Alert
      status="danger"
      icon
      title="Retraining suggested"
      description={description}
    />
  ) : (
    <Alert
      status="warning"
      icon
      title="The newest window drifted"
      description={`${description} Retraining is not suggested yet.`}
    />
  );
};
