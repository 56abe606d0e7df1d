import { EmptyState, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { Flex, Select, Text } from '@backstage/ui';
import useAsync from 'react-use/esm/useAsync';
import { modelRegistryApiRef } from '../../api';
import {
  formatTimestamp,
  RegistryErrorPanel,
  TitledCard,
  useModelName,
  useQueryParams,
} from '../shared';
import { DistributionComparison } from './DistributionComparison';
import { DriftScoreChart } from './DriftScoreChart';
import { rankFeatures } from './driftData';
import { FeaturesTable } from './FeaturesTable';
import { VerdictBanner } from './VerdictBanner';
import { WindowsTable } from './WindowsTable';

/** How many of the newest windows the tab reads. */
const WINDOWS = 50;
/** How many of the most drifted features the chart draws, to stay readable. */
const CHARTED_FEATURES = 5;

/**
 * The Drift tab: the drift engine's reports of the newest windows. The
 * selected feature (`?feature=`) and window (`?window=`, the newest by
 * default) live in the URL, so a view can be shared as a link.
 */
export const ModelDriftContent = () => {
  const modelName = useModelName();
  const api = useApi(modelRegistryApiRef);
  const [searchParams, setParam] = useQueryParams();
  const { value, loading, error } = useAsync(
    () => api.listDriftReports(modelName, { limit: WINDOWS }),
    [api, modelName],
  );

  if (error) return <RegistryErrorPanel error={error} modelName={modelName} />;
  if (loading || !value) return <Progress />;
  const reports = value.items;
  if (reports.length === 0) {
    return (
      <EmptyState
        missing="data"
        title="No drift reports yet"
        description="Drift reports appear once a reference profile and production batches are sent to the drift engine: a reference profile per version (the training-time distribution of each feature), and batches of production inputs compared with it window by window."
      />
    );
  }

  const ranked = rankFeatures(reports);
  const requestedFeature = searchParams.get('feature');
  const feature =
    requestedFeature && ranked.includes(requestedFeature)
      ? requestedFeature
      : ranked[0];
  const report =
    reports.find(r => r.id === searchParams.get('window')) ?? reports[0];
  const charted = ranked.slice(0, CHARTED_FEATURES);
  if (feature && !charted.includes(feature)) charted.push(feature);

  const select = (key: 'feature' | 'window', id: string) => setParam(key, id);

  return (
    <Flex direction="column" gap="4">
      <VerdictBanner report={reports[0]} />
      <TitledCard title="Drift score per window">
        <Flex direction="column" gap="3">
          <Flex align="end" justify="between">
            <Text color="secondary">
              {`The ${Math.min(
                CHARTED_FEATURES,
                ranked.length,
              )} most drifted features of the newest window and the selected one; thresholds are dashed.`}
            </Text>
            {feature && (
              <Select
                label="Feature"
                options={ranked.map(f => ({ id: f, label: f }))}
                value={feature}
                onChange={key => key !== null && select('feature', String(key))}
              />
            )}
          </Flex>
          <DriftScoreChart
            reports={reports}
            features={charted}
            selected={feature}
          />
        </Flex>
      </TitledCard>
      <TitledCard title="Verdict per window">
        <WindowsTable
          reports={reports}
          feature={feature}
          selectedWindow={report.id}
          onSelectWindow={id => select('window', id)}
        />
      </TitledCard>
      <TitledCard
        title={`Features of the window ending ${formatTimestamp(
          report.windowEnd,
        )}`}
      >
        <FeaturesTable
          features={report.features}
          selectedFeature={feature}
          onSelectFeature={f => select('feature', f)}
        />
      </TitledCard>
      {feature && (
        <TitledCard title={`Distribution of ${feature}`}>
          <DistributionComparison
            modelName={modelName}
            report={report}
            feature={feature}
          />
        </TitledCard>
      )}
    </Flex>
  );
};
