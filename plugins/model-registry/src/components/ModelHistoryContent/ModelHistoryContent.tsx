import { EmptyState } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  CellText,
  ColumnConfig,
  Flex,
  Select,
  Table,
  useTable,
} from '@backstage/ui';
import { AuditRecord } from '@mlreg/plugin-model-registry-common';
import { modelRegistryApiRef } from '../../api';
import { formatTimestamp, RegistryErrorPanel, useModelName } from '../shared';
import { describeChange } from './describeChange';

/** The actions the registry audits, as the backend names them. */
export const AUDIT_ACTIONS = [
  'model.create',
  'model.update',
  'model.archive',
  'model.restore',
  'model.delete',
  'version.register',
  'version.update',
  'version.ready',
  'version.fail',
  'alias.set',
  'alias.delete',
  'kpi.set',
];

const ALL_ACTIONS = 'all';

const columns: ColumnConfig<AuditRecord>[] = [
  {
    id: 'when',
    label: 'When',
    isRowHeader: true,
    cell: record => <CellText title={formatTimestamp(record.createdAt)} />,
  },
  {
    id: 'who',
    label: 'Who',
    cell: record => <CellText title={record.actor} />,
  },
  {
    id: 'what',
    label: 'What',
    cell: record => (
      <CellText title={record.action} description={record.target} />
    ),
  },
  {
    id: 'change',
    label: 'Before → after',
    cell: record => (
      <CellText title={describeChange(record.before, record.after)} />
    ),
  },
];

/** The History tab: the model's audit trail, newest first. */
export const ModelHistoryContent = () => {
  const modelName = useModelName();
  const api = useApi(modelRegistryApiRef);
  const { tableProps, filter } = useTable<AuditRecord, string>({
    mode: 'cursor',
    initialFilter: ALL_ACTIONS,
    paginationOptions: { pageSize: 20 },
    getData: async ({ cursor, pageSize, filter: action }) => {
      const page = await api.listAuditRecords(modelName, {
        action: action && action !== ALL_ACTIONS ? action : undefined,
        cursor,
        limit: pageSize,
      });
      return { data: page.items, nextCursor: page.nextCursor };
    },
  });

  const action = filter.value ?? ALL_ACTIONS;
  let content;
  if (tableProps.error) {
    content = (
      <RegistryErrorPanel error={tableProps.error} modelName={modelName} />
    );
  } else if (
    !tableProps.isPending &&
    tableProps.data?.length === 0 &&
    tableProps.pagination.type === 'page' &&
    !tableProps.pagination.hasPreviousPage
  ) {
    content =
      action === ALL_ACTIONS ? (
        <EmptyState
          missing="data"
          title="No changes recorded yet"
          description="Every change to the model, its versions, aliases and KPIs appears here with who made it and when."
        />
      ) : (
        <EmptyState
          missing="data"
          title={`No ${action} changes`}
          description="Choose another action, or all actions."
        />
      );
  } else {
    content = <Table columnConfig={columns} {...tableProps} />;
  }

  return (
    <Flex direction="column" gap="3">
      <Flex>
        <Select
          label="Action"
          options={[
            { id: ALL_ACTIONS, label: 'All actions' },
            ...AUDIT_ACTIONS.map(a => ({ id: a, label: a })),
          ]}
          value={action}
          onChange={key => filter.onChange(String(key ?? ALL_ACTIONS))}
        />
      </Flex>
      {content}
    </Flex>
  );
};
