import { Knex } from 'knex';
import { ModelFilter } from '../permissions/rules';

/** Turns a permission filter into a WHERE clause on `models`. */
export function applyModelFilter(
  query: Knex.QueryBuilder,
  filter: ModelFilter,
): void {
  if ('allOf' in filter) {
    query.where(q => {
      for (const f of filter.allOf) q.andWhere(sub => applyModelFilter(sub, f));
    });
  } else if ('anyOf' in filter) {
    query.where(q => {
      for (const f of filter.anyOf) q.orWhere(sub => applyModelFilter(sub, f));
    });
  } else if ('not' in filter) {
    query.whereNot(q => applyModelFilter(q, filter.not));
  } else {
    query.whereIn(`models.${filter.property}`, filter.values);
  }
}
