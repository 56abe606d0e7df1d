import { CellText, ColumnConfig, Table, useTable } from '@backstage/ui';
import { DriftReport } from '@mlreg/plugin-model-registry-common';
import { useMemo } from 'react';
import {
  formatTimestamp,
  formatValue,
  singleSelection,
  ToneCell,
} from '../shared';
import { describeDriftedShare } from './driftData';

function buildColumns(feature?: string): ColumnConfig<DriftReport>[] {
  const columns: ColumnConfig<DriftReport>[] = [
    {
      id: 'window',
      label: 'Window end',
      isRowHeader: true,
      cell: r => (
        <CellText
          title={formatTimestamp(r.windowEnd)}
          description={`from ${formatTimestamp(r.windowStart)}`}
        />
      ),
    },
    {
      id: 'version',
      label: 'Version',
      cell: r => <CellText title={`v${r.version}`} />,
    },
    {
      id: 'verdict',
      label: 'Verdict',
      cell: r => (
        <ToneCell
          label={r.verdict}
          tone={r.verdict === 'drift' ? 'danger' : 'success'}
          description={
            r.retrainingSuggested ? 'retraining suggested' : undefined
          }
        />
      ),
    },
    {
      id: 'share',
      label: 'Drifted features',
      cell: r => <CellText title={describeDriftedShare(r)} />,
    },
  ];
  if (feature) {
    columns.push({
      id: 'feature',
      label: `${feature} score / threshold`,
      cell: r => {
        const drift = r.features.find(f => f.feature === feature);
        return (
          <CellText
            title={
              drift
                ? `${formatValue(drift.score)} / ${formatValue(
                    drift.threshold,
                  )}`
                : '—'
            }
            description={drift?.drifted ? 'drifted' : undefined}
          />
        );
      },
    });
  }
  return columns;
}

/**
 * The model-level verdict of each window, newest first, with the score of
 * the selected feature; selecting a window shows its features.
 */
export const WindowsTable = ({
  reports,
  feature,
  selectedWindow,
  onSelectWindow,
}: {
  reports: DriftReport[];
  feature?: string;
  selectedWindow: string;
  onSelectWindow: (id: string) => void;
}) => {
  const columns = useMemo(() => buildColumns(feature), [feature]);
  const { tableProps } = useTable<DriftReport>({
    mode: 'complete',
    data: reports,
    paginationOptions: { pageSize: 10 },
  });
  return (
    <Table
      columnConfig={columns}
      {...tableProps}
      selection={singleSelection(selectedWindow, onSelectWindow)}
    />
  );
};
