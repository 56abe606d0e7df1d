import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { CellText, ColumnConfig, Flex, Table, Text } from '@backstage/ui';
import { ResponseError } from '@backstage/errors';
import { DriftReport } from '@mlreg/plugin-model-registry-common';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import useAsync from 'react-use/esm/useAsync';
import { modelRegistryApiRef } from '../../api';
import { formatTimestamp, RegistryErrorPanel } from '../shared';
import { ChartFrame } from './ChartFrame';
import { BinShares, compareHistograms, formatShare } from './driftData';
import { SERIES_COLORS } from './DriftScoreChart';

type BinRow = BinShares & { id: string };

const shareText = (share?: number) =>
  share === undefined ? '—' : formatShare(share);

const columns: ColumnConfig<BinRow>[] = [
  {
    id: 'bin',
    label: 'Bin',
    isRowHeader: true,
    cell: b => <CellText title={b.bin} />,
  },
  {
    id: 'reference',
    label: 'Reference',
    cell: b => <CellText title={shareText(b.reference)} />,
  },
  {
    id: 'current',
    label: 'Window',
    cell: b => <CellText title={shareText(b.current)} />,
  },
];

/**
 * One feature's distribution in a window against the reference profile of
 * the version that served during it, bin by bin.
 */
export const DistributionComparison = ({
  modelName,
  report,
  feature,
}: {
  modelName: string;
  report: DriftReport;
  feature: string;
}) => {
  const api = useApi(modelRegistryApiRef);
  const {
    value: profile,
    loading,
    error,
  } = useAsync(
    () => api.getReferenceProfile(modelName, report.version),
    [api, modelName, report.version],
  );

  if (loading) return <Progress />;
  const noProfile = error instanceof ResponseError && error.statusCode === 404;
  if (error && !noProfile) {
    return <RegistryErrorPanel error={error} modelName={modelName} />;
  }

  const reference = profile?.features.find(f => f.feature === feature);
  const current = report.features.find(f => f.feature === feature)?.current;
  const gaps: string[] = [];
  if (noProfile) {
    gaps.push(
      `v${report.version} has no reference profile, so there is no training-time distribution to compare with.`,
    );
  } else if (!reference) {
    gaps.push(`The reference profile of v${report.version} has no ${feature}.`);
  }
  if (!current) {
    gaps.push(
      `The window ending ${formatTimestamp(
        report.windowEnd,
      )} has no histogram of ${feature}.`,
    );
  }
  const referenceHistogram =
    reference && reference.kind !== 'categorical'
      ? reference.histogram
      : undefined;
  const bins = compareHistograms(referenceHistogram, current).map(b => ({
    ...b,
    id: b.bin,
  }));

  return (
    <Flex direction="column" gap="3">
      {gaps.map(gap => (
        <Text key={gap} color="secondary">
          {gap}
        </Text>
      ))}
      {bins.length > 0 && (
        <>
          <ChartFrame
            label={`Share of ${feature} values per bin, reference against the window`}
            height={280}
          >
            <BarChart data={bins} margin={{ top: 8, right: 16 }}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="bin" />
              <YAxis tickFormatter={formatShare} />
              <Tooltip formatter={value => formatShare(Number(value))} />
              <Legend />
              <Bar
                dataKey="reference"
                name={`Reference (v${report.version})`}
                fill={SERIES_COLORS[0]}
                isAnimationActive={false}
              />
              <Bar
                dataKey="current"
                name="Window"
                fill={SERIES_COLORS[1]}
                isAnimationActive={false}
              />
            </BarChart>
          </ChartFrame>
          <Table
            columnConfig={columns}
            data={bins}
            pagination={{ type: 'none' }}
          />
        </>
      )}
    </Flex>
  );
};
