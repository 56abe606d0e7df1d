import { ListModelsQuery } from '@mlreg/plugin-model-registry-common';

/** The filters of the Models page, as URL query parameters. */
export const FILTER_KEYS = [
  'owner',
  'task',
  'framework',
  'tag',
  'alias',
  'drift',
  'archived',
] as const;

export type ModelFilterKey = (typeof FILTER_KEYS)[number];

export type ModelFilters = Partial<Record<ModelFilterKey, string>>;

const DRIFT = ['drifting', 'stable', 'unmonitored'];
const ARCHIVED = ['exclude', 'only', 'include'];

/** The filters a URL carries; values the API would refuse are dropped. */
export function readFilters(params: URLSearchParams): ModelFilters {
  const filters: ModelFilters = {};
  for (const key of FILTER_KEYS) {
    const value = params.get(key)?.trim();
    if (!value) continue;
    if (key === 'drift' && !DRIFT.includes(value)) continue;
    if (key === 'archived' && !ARCHIVED.includes(value)) continue;
    filters[key] = value;
  }
  return filters;
}

/** The list query for the filters. */
export function toQuery(filters: ModelFilters): ListModelsQuery {
  return {
    ...filters,
    drift: filters.drift as ListModelsQuery['drift'],
    archived: filters.archived as ListModelsQuery['archived'],
  };
}
