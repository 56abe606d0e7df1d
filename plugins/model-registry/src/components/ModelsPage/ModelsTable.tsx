import { Model } from '@mlreg/plugin-model-registry-common';
import { CellText, ColumnConfig, Table, useTable } from '@backstage/ui';

const columns: ColumnConfig<Model & { id: string }>[] = [
  {
    id: 'name',
    label: 'Name',
    isRowHeader: true,
    cell: model => (
      <CellText title={model.name} description={model.description} />
    ),
  },
  {
    id: 'owner',
    label: 'Owner',
    cell: model => <CellText title={model.owner} />,
  },
  {
    id: 'task',
    label: 'Task',
    cell: model => <CellText title={model.task ?? '—'} />,
  },
  {
    id: 'framework',
    label: 'Framework',
    cell: model => <CellText title={model.framework ?? '—'} />,
  },
  {
    id: 'tags',
    label: 'Tags',
    cell: model => <CellText title={model.tags.join(', ')} />,
  },
];

/** A table of models, one row each. */
export const ModelsTable = ({ models }: { models: Model[] }) => {
  const { tableProps } = useTable({
    mode: 'complete',
    data: models.map(model => ({ ...model, id: model.name })),
    paginationOptions: { pageSize: 50 },
  });
  return <Table columnConfig={columns} {...tableProps} />;
};
