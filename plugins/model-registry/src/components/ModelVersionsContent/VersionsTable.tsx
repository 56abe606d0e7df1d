import { EmptyState } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  Button,
  Cell,
  CellText,
  ColumnConfig,
  Flex,
  Selection,
  Table,
  Text,
  useTable,
} from '@backstage/ui';
import { ModelVersion } from '@mlreg/plugin-model-registry-common';
import { useMemo, useState } from 'react';
import { modelRegistryApiRef } from '../../api';
import {
  formatTimestamp,
  formatValue,
  isFirstPageEmpty,
  RegistryErrorPanel,
  useQueryParams,
} from '../shared';
import { MAX_COMPARED } from './compareParam';
import { VersionDetailsDialog } from './VersionDetailsDialog';

/** The version whose details are open lives in `?version=3`, for sharing. */
const VERSION_PARAM = 'version';

type VersionRow = ModelVersion & { id: number };

/** How many metric columns the table shows; the comparison shows them all. */
const METRIC_COLUMNS = 3;

/** The final value of a metric: the one with the highest step. */
function metricValue(version: ModelVersion, key: string): number | undefined {
  const values = version.metrics.filter(m => m.key === key);
  values.sort((a, b) => (b.step ?? -1) - (a.step ?? -1));
  return values[0]?.value;
}

function metricKeys(rows: ModelVersion[]): string[] {
  const keys = new Set<string>();
  for (const row of rows) {
    for (const metric of row.metrics) keys.add(metric.key);
  }
  return [...keys].slice(0, METRIC_COLUMNS);
}

function sourceText(version: ModelVersion): string {
  const { commit, runId, uri } = version.source;
  if (commit) return `commit ${commit.slice(0, 7)}`;
  if (runId) return `run ${runId}`;
  return uri ?? '—';
}

function buildColumns(
  metrics: string[],
  openDetails: (version: number) => void,
): ColumnConfig<VersionRow>[] {
  return [
    {
      id: 'version',
      label: 'Version',
      isRowHeader: true,
      cell: v => (
        <CellText
          title={`v${v.version}`}
          description={v.description || undefined}
        />
      ),
    },
    {
      id: 'status',
      label: 'Status',
      cell: v => <CellText title={v.status} description={v.failureReason} />,
    },
    {
      id: 'aliases',
      label: 'Aliases',
      cell: v => <CellText title={v.aliases.join(', ') || '—'} />,
    },
    ...metrics.map(
      (key): ColumnConfig<VersionRow> => ({
        id: `metric:${key}`,
        label: key,
        cell: v => <CellText title={formatValue(metricValue(v, key))} />,
      }),
    ),
    {
      id: 'creator',
      label: 'Created by',
      cell: v => <CellText title={v.createdBy} />,
    },
    {
      id: 'created',
      label: 'Created',
      cell: v => <CellText title={formatTimestamp(v.createdAt)} />,
    },
    {
      id: 'source',
      label: 'Source',
      cell: v => <CellText title={sourceText(v)} />,
    },
    {
      id: 'details',
      label: 'Details',
      cell: v => (
        <Cell>
          <Button
            size="small"
            variant="tertiary"
            aria-label={`Details of v${v.version}`}
            onPress={() => openDetails(v.version)}
          >
            Details
          </Button>
        </Cell>
      ),
    },
  ];
}

/**
 * Every version of the model, a page at a time, with row selection for the
 * comparison.
 */
export const VersionsTable = ({
  modelName,
  initialSelection,
  onCompare,
}: {
  modelName: string;
  initialSelection: number[];
  onCompare: (versions: number[]) => void;
}) => {
  const api = useApi(modelRegistryApiRef);
  const [searchParams, setParam] = useQueryParams();
  const detailsParam = Number(searchParams.get(VERSION_PARAM));
  const openVersion =
    Number.isInteger(detailsParam) && detailsParam > 0
      ? detailsParam
      : undefined;
  const setOpenVersion = (version?: number) =>
    setParam(VERSION_PARAM, version?.toString());
  // Kept outside the table so a selection survives paging.
  const [selected, setSelected] = useState(
    () => new Set(initialSelection.map(String)),
  );
  const { tableProps, reload } = useTable<VersionRow>({
    mode: 'cursor',
    paginationOptions: { pageSize: 20 },
    getData: async ({ cursor, pageSize }) => {
      const page = await api.listVersions({
        model: modelName,
        cursor,
        limit: pageSize,
      });
      return {
        data: page.items.map(v => ({ ...v, id: v.version })),
        nextCursor: page.nextCursor,
      };
    },
  });
  const columns = useMemo(
    () => buildColumns(metricKeys(tableProps.data ?? []), setOpenVersion),
    // setOpenVersion changes with the URL; the columns only need the latest.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [tableProps.data, searchParams],
  );

  if (tableProps.error) {
    return (
      <RegistryErrorPanel error={tableProps.error} modelName={modelName} />
    );
  }
  if (isFirstPageEmpty(tableProps)) {
    return (
      <EmptyState
        missing="data"
        title="No versions registered yet"
        description={`A training job registers one with POST /api/model-registry/models/${modelName}/versions.`}
      />
    );
  }

  const onSelectionChange = (keys: Selection) => {
    if (keys === 'all') {
      const next = new Set(selected);
      for (const row of tableProps.data ?? []) next.add(String(row.id));
      setSelected(next);
    } else {
      setSelected(new Set([...keys].map(String)));
    }
  };
  const versions = [...selected].map(Number).sort((a, b) => a - b);
  const canCompare = versions.length >= 2 && versions.length <= MAX_COMPARED;

  return (
    <Flex direction="column" gap="3">
      <Flex align="center" justify="between">
        <Text color="secondary">
          {versions.length === 0
            ? `Select 2 to ${MAX_COMPARED} versions to compare them.`
            : `Selected: ${versions.map(v => `v${v}`).join(', ')}${
                versions.length > MAX_COMPARED
                  ? ` (at most ${MAX_COMPARED} can be compared)`
                  : ''
              }`}
        </Text>
        <Button
          variant="primary"
          isDisabled={!canCompare}
          onPress={() => onCompare(versions)}
        >
          Compare
        </Button>
      </Flex>
      <Table
        columnConfig={columns}
        {...tableProps}
        selection={{
          mode: 'multiple',
          behavior: 'toggle',
          selected,
          onSelectionChange,
        }}
      />
      {openVersion !== undefined && (
        <VersionDetailsDialog
          modelName={modelName}
          version={openVersion}
          onClose={() => setOpenVersion(undefined)}
          onChanged={reload}
        />
      )}
    </Flex>
  );
};
