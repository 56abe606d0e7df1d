import { CellText, ColumnConfig, Table, useTable } from '@backstage/ui';
import { FeatureDrift } from '@mlreg/plugin-model-registry-common';
import { useMemo } from 'react';
import { formatValue, singleSelection, ToneCell } from '../shared';
import { mostDriftedFirst } from './driftData';

type FeatureRow = FeatureDrift & { id: string };

const columns: ColumnConfig<FeatureRow>[] = [
  {
    id: 'feature',
    label: 'Feature',
    isRowHeader: true,
    cell: f => <CellText title={f.feature} />,
  },
  {
    id: 'method',
    label: 'Method',
    cell: f => <CellText title={f.method} />,
  },
  {
    id: 'score',
    label: 'Score',
    cell: f => <CellText title={formatValue(f.score)} />,
  },
  {
    id: 'threshold',
    label: 'Threshold',
    cell: f => <CellText title={formatValue(f.threshold)} />,
  },
  {
    id: 'drifted',
    label: 'Drifted',
    cell: f => (
      <ToneCell
        label={f.drifted ? 'drifted' : 'stable'}
        tone={f.drifted ? 'danger' : 'success'}
      />
    ),
  },
];

/** The features of one window, most drifted first; selecting one charts it. */
export const FeaturesTable = ({
  features,
  selectedFeature,
  onSelectFeature,
}: {
  features: FeatureDrift[];
  selectedFeature?: string;
  onSelectFeature: (feature: string) => void;
}) => {
  const rows = useMemo(
    () =>
      [...features].sort(mostDriftedFirst).map(f => ({ ...f, id: f.feature })),
    [features],
  );
  const { tableProps } = useTable<FeatureRow>({
    mode: 'complete',
    data: rows,
    paginationOptions: { pageSize: 10 },
  });
  return (
    <Table
      columnConfig={columns}
      {...tableProps}
      selection={singleSelection(selectedFeature, onSelectFeature)}
    />
  );
};
