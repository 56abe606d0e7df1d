import { useApi } from '@backstage/frontend-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { Flex, Select, TextField } from '@backstage/ui';
import { MODEL_ENTITY_TYPES } from '@mlreg/plugin-model-registry-common';
import useAsync from 'react-use/esm/useAsync';
import { ModelFilterKey, ModelFilters } from './modelFilters';

const ANY = '';

type Option = { id: string; label: string };

const any = (label: string): Option => ({ id: ANY, label });

/**
 * The owners, frameworks and tags to offer: the catalog mirrors every
 * registry model as a `Model` entity, so its facets list them without the
 * page loading every model.
 */
function useFacetOptions() {
  const catalogApi = useApi(catalogApiRef);
  const { value } = useAsync(async () => {
    const { facets } = await catalogApi.getEntityFacets({
      filter: { kind: 'Model' },
      facets: ['spec.owner', 'spec.framework', 'metadata.tags'],
    });
    const options = (facet: string) =>
      (facets[facet] ?? [])
        .map(({ value: v }) => ({ id: v, label: v }))
        .sort((a, b) => a.label.localeCompare(b.label));
    return {
      owner: options('spec.owner'),
      framework: options('spec.framework'),
      tag: options('metadata.tags'),
    };
  }, [catalogApi]);
  return value ?? { owner: [], framework: [], tag: [] };
}

/** Keeps the current value selectable even when the facets lack it. */
function withCurrent(options: Option[], current?: string): Option[] {
  if (!current || options.some(o => o.id === current)) return options;
  return [...options, { id: current, label: current }];
}

/** The filter controls of the Models page. */
export const ModelFilterBar = ({
  filters,
  onChange,
}: {
  filters: ModelFilters;
  onChange: (key: ModelFilterKey, value: string) => void;
}) => {
  const facets = useFacetOptions();
  const select = (key: ModelFilterKey, label: string, options: Option[]) => (
    <Select
      label={label}
      options={withCurrent(options, filters[key])}
      value={filters[key] ?? ANY}
      onChange={value => onChange(key, String(value ?? ANY))}
    />
  );
  return (
    <Flex gap="3" align="end" style={{ flexWrap: 'wrap' }}>
      {select('owner', 'Owner', [any('Any owner'), ...facets.owner])}
      {select('task', 'Task', [
        any('Any task'),
        ...MODEL_ENTITY_TYPES.map(t => ({ id: t, label: t })),
      ])}
      {select('framework', 'Framework', [
        any('Any framework'),
        ...facets.framework,
      ])}
      {select('tag', 'Tag', [any('Any tag'), ...facets.tag])}
      <TextField
        label="Alias"
        placeholder="e.g. production"
        value={filters.alias ?? ''}
        onChange={value => onChange('alias', value.trim())}
      />
      {select('drift', 'Drift', [
        any('Any drift status'),
        { id: 'drifting', label: 'Drifting' },
        { id: 'stable', label: 'Stable' },
        { id: 'unmonitored', label: 'Not monitored' },
      ])}
      {select('archived', 'Archived', [
        any('Active only'),
        { id: 'include', label: 'Active and archived' },
        { id: 'only', label: 'Archived only' },
      ])}
    </Flex>
  );
};
