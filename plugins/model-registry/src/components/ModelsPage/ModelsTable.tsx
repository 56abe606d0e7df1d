import { useEntityRefLink } from '@backstage/plugin-catalog-react';
import { CellText, ColumnConfig, Table, TableProps } from '@backstage/ui';
import { Model } from '@mlreg/plugin-model-registry-common';
import { useMemo } from 'react';
import { formatTimestamp, formatValue } from '../shared';

export type ModelRow = Model & { id: string };

function driftText(model: Model): { title: string; description?: string } {
  const { drift } = model.health;
  if (!drift) return { title: 'Not monitored' };
  return {
    title: drift.verdict === 'drift' ? 'Drifting' : 'Stable',
    description: `v${drift.version}, window to ${formatTimestamp(
      drift.windowEnd,
    )}`,
  };
}

function deploymentText(model: Model): {
  title: string;
  description?: string;
} {
  const last = model.health.lastDeployment;
  const outOfSync = model.health.outOfSync?.length
    ? `Out of sync in ${model.health.outOfSync.join(', ')}`
    : undefined;
  if (!last) return { title: outOfSync ?? 'Never deployed' };
  return {
    title: `v${last.version} to ${last.environment}: ${last.status}`,
    description: outOfSync
      ? `${outOfSync}; ${formatTimestamp(last.at)}`
      : formatTimestamp(last.at),
  };
}

const buildColumns = (
  entityLink: (model: Model) => string,
): ColumnConfig<ModelRow>[] => [
  {
    id: 'name',
    label: 'Name',
    isRowHeader: true,
    isSortable: true,
    cell: model => (
      <CellText
        title={model.name}
        description={model.description}
        href={entityLink(model)}
      />
    ),
  },
  {
    id: 'owner',
    label: 'Owner',
    cell: model => <CellText title={model.owner} />,
  },
  {
    id: 'task',
    label: 'Task / framework',
    cell: model => (
      <CellText
        title={model.task ?? '—'}
        description={model.framework ?? undefined}
      />
    ),
  },
  {
    id: 'production',
    label: 'Production',
    cell: model => (
      <CellText
        title={
          model.aliases.production === undefined
            ? '—'
            : `v${model.aliases.production}`
        }
      />
    ),
  },
  {
    id: 'latest',
    label: 'Latest',
    cell: model => (
      <CellText
        title={
          model.latestVersion === undefined ? '—' : `v${model.latestVersion}`
        }
      />
    ),
  },
  {
    id: 'keyMetric',
    label: 'Key metric',
    cell: model => {
      const metric = model.keyMetricValue;
      if (!metric) return <CellText title={model.keyMetric ?? '—'} />;
      return (
        <CellText
          title={`${metric.key} ${formatValue(metric.value)}`}
          description={`v${metric.version}`}
        />
      );
    },
  },
  {
    id: 'drift',
    label: 'Drift',
    cell: model => <CellText {...driftText(model)} />,
  },
  {
    id: 'deployment',
    label: 'Last deployment',
    cell: model => <CellText {...deploymentText(model)} />,
  },
  {
    id: 'updatedAt',
    label: 'Updated',
    isSortable: true,
    cell: model => (
      <CellText
        title={formatTimestamp(model.updatedAt)}
        description={model.tags.join(', ') || undefined}
      />
    ),
  },
];

/** A page of models, one row each, linked to their catalog entity pages. */
export const ModelsTable = (
  props: Omit<TableProps<ModelRow>, 'columnConfig'>,
) => {
  const entityRoute = useEntityRefLink();
  // The entity provider names each Model entity after its registry model.
  const columns = useMemo(
    () =>
      buildColumns(model =>
        entityRoute({ kind: 'model', namespace: 'default', name: model.name }),
      ),
    [entityRoute],
  );
  return <Table columnConfig={columns} {...props} />;
};
