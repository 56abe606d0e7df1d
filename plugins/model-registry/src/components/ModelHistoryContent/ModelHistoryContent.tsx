import { EmptyState } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  CellText,
  ColumnConfig,
  Flex,
  Grid,
  NumberField,
  Select,
  Table,
  TextField,
  useTable,
} from '@backstage/ui';
import { useMemo, useState } from 'react';
import useDebounce from 'react-use/esm/useDebounce';
import { AuditRecord } from '@mlreg/plugin-model-registry-common';
import { modelRegistryApiRef } from '../../api';
import {
  formatTimestamp,
  isFirstPageEmpty,
  RegistryErrorPanel,
  useModelName,
  useQueryParams,
} from '../shared';
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

/** The filters of the History tab, as they appear in the URL. */
interface HistoryFilter {
  action?: string;
  actor?: string;
  version?: number;
}

function readFilter(params: URLSearchParams): HistoryFilter {
  const action = params.get('action') ?? undefined;
  const actor = params.get('actor')?.trim() || undefined;
  const version = Number(params.get('version'));
  return {
    action: action && AUDIT_ACTIONS.includes(action) ? action : undefined,
    actor,
    version: Number.isInteger(version) && version > 0 ? version : undefined,
  };
}

/**
 * The History tab: the model's audit trail, newest first, filterable by
 * action, actor and version. The filters live in the URL
 * (`?action=alias.set&actor=user:default/dana`), so a view can be shared.
 */
export const ModelHistoryContent = () => {
  const modelName = useModelName();
  const api = useApi(modelRegistryApiRef);
  const [searchParams, setParam] = useQueryParams();
  const paramsKey = searchParams.toString();
  const filter = useMemo(
    () => readFilter(new URLSearchParams(paramsKey)),
    [paramsKey],
  );
  const [actorInput, setActorInput] = useState(filter.actor ?? '');
  useDebounce(
    () => {
      if (actorInput.trim() !== (filter.actor ?? '')) {
        setParam('actor', actorInput.trim());
      }
    },
    300,
    [actorInput],
  );

  const { tableProps } = useTable<AuditRecord, HistoryFilter>({
    mode: 'cursor',
    filter,
    paginationOptions: { pageSize: 20 },
    getData: async ({ cursor, pageSize, filter: current }) => {
      const page = await api.listAuditRecords(modelName, {
        ...current,
        cursor,
        limit: pageSize,
      });
      return { data: page.items, nextCursor: page.nextCursor };
    },
  });

  const filtered = Object.values(filter).some(v => v !== undefined);
  let content;
  if (tableProps.error) {
    content = (
      <RegistryErrorPanel error={tableProps.error} modelName={modelName} />
    );
  } else if (isFirstPageEmpty(tableProps)) {
    content = filtered ? (
      <EmptyState
        missing="data"
        title="No changes match these filters"
        description="Choose another action, actor or version, or clear the filters."
      />
    ) : (
      <EmptyState
        missing="data"
        title="No changes recorded yet"
        description="Every change to the model, its versions, aliases and KPIs appears here with who made it and when."
      />
    );
  } else {
    content = <Table columnConfig={columns} {...tableProps} />;
  }

  return (
    <Flex direction="column" gap="3">
      <Grid.Root columns={{ initial: '1', md: '3' }} gap="3">
        <Select
          label="Action"
          options={[
            { id: ALL_ACTIONS, label: 'All actions' },
            ...AUDIT_ACTIONS.map(a => ({ id: a, label: a })),
          ]}
          value={filter.action ?? ALL_ACTIONS}
          onChange={key => {
            const action = String(key ?? ALL_ACTIONS);
            setParam('action', action === ALL_ACTIONS ? '' : action);
          }}
        />
        <TextField
          label="Actor"
          placeholder="user:default/dana"
          value={actorInput}
          onChange={setActorInput}
        />
        <NumberField
          label="Version"
          minValue={1}
          value={filter.version ?? NaN}
          onChange={value =>
            setParam(
              'version',
              Number.isInteger(value) && value > 0 ? String(value) : '',
            )
          }
        />
      </Grid.Root>
      {content}
    </Flex>
  );
};
