import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { CellText, ColumnConfig, Flex, Row, Table, Text } from '@backstage/ui';
import {
  ComparisonRow,
  ModelVersion,
} from '@mlreg/plugin-model-registry-common';
import useAsync from 'react-use/esm/useAsync';
import { modelRegistryApiRef } from '../../api';
import {
  formatTimestamp,
  formatValue,
  RegistryErrorPanel,
  TitledCard,
} from '../shared';

type Line = ComparisonRow & { id: string };

const SECTIONS = [
  { key: 'metrics', title: 'Metrics' },
  { key: 'parameters', title: 'Parameters' },
  { key: 'datasets', title: 'Datasets' },
  { key: 'artifacts', title: 'Artifacts' },
] as const;

function columnsFor(versions: ModelVersion[]): ColumnConfig<Line>[] {
  return [
    {
      id: 'key',
      label: 'Key',
      isRowHeader: true,
      cell: line => (
        <CellText
          title={line.key}
          description={line.differs ? 'differs' : undefined}
        />
      ),
    },
    ...versions.map(
      (v): ColumnConfig<Line> => ({
        id: `v${v.version}`,
        label: `v${v.version}`,
        cell: line => (
          <CellText title={formatValue(line.values[String(v.version)])} />
        ),
      }),
    ),
  ];
}

const Section = ({
  title,
  lines,
  versions,
}: {
  title: string;
  lines: ComparisonRow[];
  versions: ModelVersion[];
}) => {
  const columns = columnsFor(versions);
  return (
    <TitledCard title={title}>
      {lines.length === 0 ? (
        <Text color="secondary">None of these versions records any.</Text>
      ) : (
        <Table
          columnConfig={columns}
          data={lines.map(line => ({ ...line, id: line.key }))}
          pagination={{ type: 'none' }}
          rowConfig={({ item }) => (
            <Row
              id={item.id}
              columns={columns}
              data-differs={item.differs ? 'true' : undefined}
              style={
                item.differs
                  ? { background: 'var(--bui-warning-bg-subdued)' }
                  : undefined
              }
            >
              {column => column.cell(item)}
            </Row>
          )}
        />
      )}
    </TitledCard>
  );
};

/** Versions side by side, with the rows that differ highlighted. */
export const VersionComparison = ({
  modelName,
  versions,
}: {
  modelName: string;
  versions: number[];
}) => {
  const api = useApi(modelRegistryApiRef);
  const key = versions.join(',');
  const { value, loading, error } = useAsync(
    () => api.compareVersions(modelName, versions),
    // The array is rebuilt on every render; its contents are what matter.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [api, modelName, key],
  );

  if (error) return <RegistryErrorPanel error={error} modelName={modelName} />;
  if (loading || !value) return <Progress />;

  return (
    <Flex direction="column" gap="4">
      <Flex gap="4">
        {value.versions.map(v => (
          <Flex key={v.version} direction="column" gap="1">
            <Text weight="bold">v{v.version}</Text>
            <Text variant="body-small" color="secondary">
              {v.status}
              {v.aliases.length > 0 && ` · ${v.aliases.join(', ')}`}
            </Text>
            <Text variant="body-small" color="secondary">
              {formatTimestamp(v.createdAt)} · {v.createdBy}
            </Text>
          </Flex>
        ))}
      </Flex>
      {SECTIONS.map(section => (
        <Section
          key={section.key}
          title={section.title}
          lines={value[section.key]}
          versions={value.versions}
        />
      ))}
    </Flex>
  );
};
