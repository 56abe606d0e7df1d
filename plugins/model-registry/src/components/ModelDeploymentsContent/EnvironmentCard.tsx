import {
  CellText,
  ColumnConfig,
  Flex,
  Table,
  Text,
  useTable,
} from '@backstage/ui';
import { Deployment } from '@mlreg/plugin-model-registry-common';
import { ReactNode, useState } from 'react';
import {
  formatTimestamp,
  singleSelection,
  TitledCard,
  ToneCell,
} from '../shared';
import { EnvironmentDeployments, STATUS_TONES } from './environments';
import { StatusHistory } from './StatusHistory';

const columns: ColumnConfig<Deployment>[] = [
  {
    id: 'when',
    label: 'When',
    isRowHeader: true,
    cell: d => <CellText title={formatTimestamp(d.createdAt)} />,
  },
  {
    id: 'version',
    label: 'Version',
    cell: d => <CellText title={`v${d.version}`} />,
  },
  {
    id: 'replaced',
    label: 'Replaced',
    cell: d => (
      <CellText
        title={d.replacedVersion === undefined ? '—' : `v${d.replacedVersion}`}
      />
    ),
  },
  {
    id: 'status',
    label: 'Status',
    cell: d => <ToneCell label={d.status} tone={STATUS_TONES[d.status]} />,
  },
  {
    id: 'who',
    label: 'Who',
    cell: d => <CellText title={d.createdBy} />,
  },
  {
    id: 'target',
    label: 'Target',
    cell: d => (
      <CellText
        title={`${d.target.cluster} / ${d.target.namespace}`}
        description={d.target.kind}
      />
    ),
  },
];

/** When a deployment last reached a status, from its history. */
function reachedAt(deployment: Deployment, status: string): string {
  const change = [...deployment.history]
    .reverse()
    .find(c => c.status === status);
  return formatTimestamp(change?.at ?? deployment.updatedAt);
}

const Summary = ({
  label,
  children,
}: {
  label: string;
  children: ReactNode;
}) => (
  <Flex direction="column" gap="1">
    <Text variant="body-small" color="secondary">
      {label}
    </Text>
    {children}
  </Flex>
);

/**
 * One environment: the version it serves, how its newest rollout is going,
 * and its deployments; selecting one shows its status history.
 */
export const EnvironmentCard = ({
  group,
  complete,
}: {
  group: EnvironmentDeployments;
  /** Whether `group` holds all the environment's deployments, not just the newest. */
  complete: boolean;
}) => {
  const { environment, deployments, serving } = group;
  const newest = deployments[0];
  const [selectedId, setSelectedId] = useState(newest.id);
  const selected = deployments.find(d => d.id === selectedId) ?? newest;
  const { tableProps } = useTable<Deployment>({
    mode: 'complete',
    data: deployments,
    paginationOptions: { pageSize: 10 },
  });
  const lastChange = newest.history[newest.history.length - 1];

  return (
    <TitledCard title={environment}>
      <Flex direction="column" gap="4">
        <Flex gap="8">
          <Summary label="Serving">
            {serving ? (
              <Text weight="bold">
                {`v${serving.version} since ${reachedAt(serving, 'succeeded')}`}
              </Text>
            ) : (
              <Text color="secondary">
                {complete
                  ? 'No deployment has succeeded here.'
                  : 'No deployment shown has succeeded here.'}
              </Text>
            )}
          </Summary>
          <Summary label="Newest rollout">
            <Text weight="bold" color={STATUS_TONES[newest.status]}>
              {`v${newest.version} ${newest.status}`}
            </Text>
            <Text variant="body-small" color="secondary">
              {`${lastChange?.message ?? 'No message'} (${reachedAt(
                newest,
                newest.status,
              )})`}
            </Text>
          </Summary>
        </Flex>
        <Table
          columnConfig={columns}
          {...tableProps}
          selection={singleSelection(selected.id, setSelectedId)}
        />
        <StatusHistory deployment={selected} />
      </Flex>
    </TitledCard>
  );
};
