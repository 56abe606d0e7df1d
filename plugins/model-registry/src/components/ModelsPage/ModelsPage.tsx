import { EmptyState, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  Container,
  Flex,
  SearchField,
  SortDescriptor,
  useTable,
} from '@backstage/ui';
import { useMemo, useState } from 'react';
import useDebounce from 'react-use/esm/useDebounce';
import { modelRegistryApiRef } from '../../api';
import { isFirstPageEmpty, useQueryParams } from '../shared';
import { ModelFilterBar } from './ModelFilterBar';
import {
  ModelFilterKey,
  ModelFilters,
  readFilters,
  toQuery,
} from './modelFilters';
import { ModelRow, ModelsTable } from './ModelsTable';
import { PortfolioSummary } from './PortfolioSummary';

const SEARCH_PARAM = 'q';

/** The API's sort field for a sortable column. */
function sortField(sort: SortDescriptor | null): 'name' | 'updatedAt' {
  return sort?.column === 'updatedAt' ? 'updatedAt' : 'name';
}

/**
 * Every model the user may read: the portfolio at a glance, then the models,
 * searchable, filterable and sortable, a page at a time. Search and filters
 * live in the URL, so a view can be shared.
 */
export const ModelsPage = () => {
  const api = useApi(modelRegistryApiRef);
  const [searchParams, setParam] = useQueryParams();
  const search = searchParams.get(SEARCH_PARAM) ?? '';
  const [input, setInput] = useState(search);
  const paramsKey = searchParams.toString();
  // Recomputed only when the URL changes, so the table refetches only then.
  const filters = useMemo(
    () => readFilters(new URLSearchParams(paramsKey)),
    [paramsKey],
  );

  useDebounce(
    () => {
      if (input.trim() !== search) setParam(SEARCH_PARAM, input.trim());
    },
    250,
    [input],
  );

  const { tableProps } = useTable<ModelRow, ModelFilters>({
    mode: 'cursor',
    filter: filters,
    search,
    initialSort: { column: 'name', direction: 'ascending' },
    paginationOptions: { pageSize: 20 },
    getData: async ({ cursor, pageSize, sort, filter }) => {
      const page = await api.listModels({
        ...toQuery(filter ?? {}),
        search: search || undefined,
        sort: sortField(sort),
        order: sort?.direction === 'descending' ? 'desc' : 'asc',
        cursor,
        limit: pageSize,
      });
      return {
        data: page.items.map(model => ({ ...model, id: model.name })),
        nextCursor: page.nextCursor,
      };
    },
  });

  const filtered = search !== '' || Object.keys(filters).length > 0;
  let content;
  if (tableProps.error) {
    content = <ResponseErrorPanel error={tableProps.error} />;
  } else if (isFirstPageEmpty(tableProps)) {
    content = filtered ? (
      <EmptyState
        missing="data"
        title={search ? `No models match "${search}"` : 'No models match'}
        description="Try a shorter part of the name, or loosen the filters."
      />
    ) : (
      <EmptyState
        missing="data"
        title="No models registered yet"
        description="Register a model with POST /api/model-registry/models, or create one from a software template."
      />
    );
  } else {
    content = <ModelsTable {...tableProps} />;
  }

  return (
    <Container>
      <Flex direction="column" gap="4">
        <PortfolioSummary />
        <SearchField
          label="Search models"
          aria-label="Search models"
          value={input}
          onChange={setInput}
        />
        <ModelFilterBar
          filters={filters}
          onChange={(key: ModelFilterKey, value) => setParam(key, value)}
        />
        {content}
      </Flex>
    </Container>
  );
};
