import { MlflowError } from './errors';
import { SearchKind } from './filter';

/** One `order_by` clause: a column and a direction. */
export type OrderClause = { key: string; descending: boolean };

const ORDER_KEYS: Record<SearchKind, string[]> = {
  model: ['name', 'creation_timestamp', 'last_updated_timestamp'],
  version: [
    'name',
    'version_number',
    'creation_timestamp',
    'last_updated_timestamp',
  ],
};

/**
 * Tie-breaks after the requested order, and the whole order when none is
 * requested: registered models by name; versions by name, then the
 * highest version first.
 */
const TIE_BREAKS: Record<SearchKind, OrderClause[]> = {
  model: [{ key: 'name', descending: false }],
  version: [
    { key: 'name', descending: false },
    { key: 'version_number', descending: true },
  ],
};

/**
 * Parses MLflow's `order_by` clauses, e.g. `name ASC`,
 * `last_updated_timestamp DESC`; `timestamp` means `creation_timestamp`.
 */
export function parseOrderBy(
  clauses: string[],
  kind: SearchKind,
): OrderClause[] {
  const order: OrderClause[] = [];
  for (const clause of clauses) {
    const match = /^\s*`?([A-Za-z_.]+)`?(?:\s+(ASC|DESC))?\s*$/i.exec(clause);
    if (!match) {
      throw MlflowError.invalid(
        `Invalid order_by clause '${clause}'. Could not be parsed.`,
      );
    }
    const key = match[1] === 'timestamp' ? 'creation_timestamp' : match[1];
    if (!ORDER_KEYS[kind].includes(key)) {
      throw MlflowError.invalid(
        `Invalid order by key '${match[1]}' specified. Valid keys are '${[
          ...ORDER_KEYS[kind],
          'timestamp',
        ].join("', '")}'.`,
      );
    }
    if (order.some(o => o.key === key)) {
      throw MlflowError.invalid(
        `\`order_by\` contains duplicate fields: ${key}`,
      );
    }
    order.push({ key, descending: match[2]?.toUpperCase() === 'DESC' });
  }
  return [
    ...order,
    ...TIE_BREAKS[kind].filter(t => !order.some(o => o.key === t.key)),
  ];
}

type Sortable<T> = { item: T; keys: Record<string, string | number> };

export function sortBy<T>(items: Sortable<T>[], order: OrderClause[]) {
  return [...items].sort((a, b) => {
    for (const { key, descending } of order) {
      const x = a.keys[key];
      const y = b.keys[key];
      if (x === y) continue;
      const less = x < y ? -1 : 1;
      return descending ? -less : less;
    }
    return 0;
  });
}
