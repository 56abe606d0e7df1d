import { CellText, ColumnConfig, Flex, Table, Text } from '@backstage/ui';
import {
  Deployment,
  DeploymentStatusChange,
} from '@mlreg/plugin-model-registry-common';
import { formatTimestamp } from '../shared';
import { STATUS_TONES } from './environments';
import { ToneCell } from '../shared';

type ChangeRow = DeploymentStatusChange & { id: number };

const columns: ColumnConfig<ChangeRow>[] = [
  {
    id: 'at',
    label: 'At',
    isRowHeader: true,
    cell: c => <CellText title={formatTimestamp(c.at)} />,
  },
  {
    id: 'status',
    label: 'Status',
    cell: c => <ToneCell label={c.status} tone={STATUS_TONES[c.status]} />,
  },
  {
    id: 'message',
    label: 'Message',
    cell: c => <CellText title={c.message ?? '—'} />,
  },
];

/** Every status a deployment went through, oldest first. */
export const StatusHistory = ({ deployment }: { deployment: Deployment }) => (
  <Flex direction="column" gap="2">
    <Text as="h4" variant="body-medium" weight="bold">
      {`Status history of v${deployment.version}, deployed ${formatTimestamp(
        deployment.createdAt,
      )}`}
    </Text>
    {deployment.history.length === 0 ? (
      <Text color="secondary">No status change recorded.</Text>
    ) : (
      <Table
        columnConfig={columns}
        data={deployment.history.map((change, i) => ({ ...change, id: i }))}
        pagination={{ type: 'none' }}
      />
    )}
  </Flex>
);
