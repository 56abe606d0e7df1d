import {
  EmptyState,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { Container, SearchField } from '@backstage/ui';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import useDebounce from 'react-use/esm/useDebounce';
import { modelRegistryApiRef } from '../../api';
import { ModelsTable } from './ModelsTable';

/** Every model the user may read, searchable by name. */
export const ModelsPage = () => {
  const api = useApi(modelRegistryApiRef);
  const [input, setInput] = useState('');
  const [search, setSearch] = useState('');
  useDebounce(() => setSearch(input.trim()), 250, [input]);

  const { value, loading, error } = useAsync(
    () => api.listModels({ search: search || undefined, limit: 200 }),
    [api, search],
  );

  let content;
  if (error) {
    content = <ResponseErrorPanel error={error} />;
  } else if (loading && !value) {
    content = <Progress />;
  } else if (value && value.items.length === 0) {
    content = search ? (
      <EmptyState
        missing="data"
        title={`No models match "${search}"`}
        description="Try a shorter part of the model name."
      />
    ) : (
      <EmptyState
        missing="data"
        title="No models registered yet"
        description="Register a model with POST /api/model-registry/models, or create one from a software template."
      />
    );
  } else {
    content = <ModelsTable models={value?.items ?? []} />;
  }

  return (
    <Container>
      <SearchField
        label="Search models"
        aria-label="Search models"
        value={input}
        onChange={setInput}
      />
      {content}
    </Container>
  );
};
