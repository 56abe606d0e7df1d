import { MlflowError } from './errors';

/**
 * MLflow's search filter syntax for the model registry: comparisons joined
 * by `AND`, strings in single or double quotes, tag keys as `tags.key` or
 * ``tags.`key with spaces` ``. Registered models filter on `name` and tags;
 * model versions on `name`, `run_id` (also `IN (...)`), `source_path`,
 * `version_number` (numeric comparisons) and tags.
 */
export type SearchKind = 'model' | 'version';

export type Comparison =
  | {
      kind: 'string';
      key: { type: 'attribute' | 'tag'; name: string };
      op: '=' | '!=' | 'LIKE' | 'ILIKE';
      value: string;
    }
  | { kind: 'in'; key: { type: 'attribute'; name: 'run_id' }; values: string[] }
  | {
      kind: 'number';
      key: { type: 'attribute'; name: 'version_number' };
      op: '=' | '!=' | '<' | '<=' | '>' | '>=';
      value: number;
    };

const STRING_OPS = ['=', '!=', 'LIKE', 'ILIKE'] as const;
const NUMBER_OPS = ['=', '!=', '<', '<=', '>', '>='] as const;

const ATTRIBUTES: Record<SearchKind, string[]> = {
  model: ['name'],
  version: ['name', 'run_id', 'source_path', 'version_number'],
};

type Token =
  | { type: 'identifier'; text: string }
  | { type: 'string'; text: string }
  | { type: 'number'; text: string }
  | { type: 'operator'; text: string }
  | { type: 'punct'; text: '(' | ')' | ',' };

function tokenize(filter: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const fail = (why: string): never => {
    throw MlflowError.invalid(
      `Invalid filter '${filter}': ${why} at position ${i}.`,
    );
  };
  const quoted = (quote: string) => {
    const end = filter.indexOf(quote, i + 1);
    if (end < 0) fail(`unterminated ${quote} quote`);
    const text = filter.slice(i + 1, end);
    i = end + 1;
    return text;
  };
  while (i < filter.length) {
    const c = filter[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'" || c === '"') {
      tokens.push({ type: 'string', text: quoted(c) });
    } else if (c === '`') {
      tokens.push({ type: 'identifier', text: quoted('`') });
    } else if (/[A-Za-z_]/.test(c)) {
      let text = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(filter.slice(i))![0];
      i += text.length;
      if (text.endsWith('.') && filter[i] === '`') text += quoted('`');
      tokens.push({ type: 'identifier', text });
    } else if (/[-0-9]/.test(c)) {
      const text = /^-?[0-9]+(\.[0-9]+)?/.exec(filter.slice(i))?.[0];
      if (!text) fail(`unexpected '${c}'`);
      i += text!.length;
      tokens.push({ type: 'number', text: text! });
    } else if (/[=!<>]/.test(c)) {
      const text = /^(!=|<=|>=|<>|=|<|>)/.exec(filter.slice(i))?.[0];
      if (!text) fail(`unexpected '${c}'`);
      i += text!.length;
      tokens.push({ type: 'operator', text: text === '<>' ? '!=' : text! });
    } else if (c === '(' || c === ')' || c === ',') {
      tokens.push({ type: 'punct', text: c });
      i++;
    } else {
      fail(`unexpected '${c}'`);
    }
  }
  return tokens;
}

function parseKey(text: string, kind: SearchKind, filter: string) {
  const dot = text.indexOf('.');
  const prefix = dot < 0 ? '' : text.slice(0, dot).toLowerCase();
  if (prefix === 'tag' || prefix === 'tags') {
    const name = text.slice(dot + 1);
    if (!name) {
      throw MlflowError.invalid(`Invalid filter '${filter}': empty tag key.`);
    }
    return { type: 'tag' as const, name };
  }
  const name =
    prefix === 'attribute' || prefix === 'attributes'
      ? text.slice(dot + 1)
      : text;
  if (!ATTRIBUTES[kind].includes(name)) {
    throw MlflowError.invalid(
      `Invalid attribute key '${name}' specified. Valid keys are '${ATTRIBUTES[
        kind
      ].join("', '")}', and tags as 'tags.<key>'.`,
    );
  }
  return { type: 'attribute' as const, name };
}

/** Parses a filter; an empty or absent filter matches everything. */
export function parseFilter(
  filter: string | undefined,
  kind: SearchKind,
): Comparison[] {
  if (!filter || !filter.trim()) return [];
  const tokens = tokenize(filter);
  const comparisons: Comparison[] = [];
  let i = 0;
  const invalid = (why: string): never => {
    throw MlflowError.invalid(`Invalid filter '${filter}': ${why}`);
  };
  const next = () => tokens[i++];
  for (;;) {
    const keyToken = next();
    if (!keyToken || keyToken.type !== 'identifier') {
      invalid(
        `expected an attribute or tag key, got ${
          keyToken ? `'${keyToken.text}'` : 'the end of the filter'
        }.`,
      );
    }
    const key = parseKey(keyToken.text, kind, filter);
    const opToken = next();
    if (!opToken) invalid(`'${keyToken.text}' has no comparator.`);
    const op = opToken.text.toUpperCase();
    if (key.type === 'attribute' && key.name === 'version_number') {
      if (!(NUMBER_OPS as readonly string[]).includes(op)) {
        invalid(
          `invalid comparator '${
            opToken.text
          }' for version_number; one of ${NUMBER_OPS.join(', ')}.`,
        );
      }
      const value = next();
      if (value?.type !== 'number' || !/^-?[0-9]+$/.test(value.text)) {
        invalid('version_number must be compared with an integer.');
      }
      comparisons.push({
        kind: 'number',
        key: { type: 'attribute', name: 'version_number' },
        op: op as (typeof NUMBER_OPS)[number],
        value: Number(value!.text),
      });
    } else if (op === 'IN') {
      if (key.type !== 'attribute' || key.name !== 'run_id') {
        invalid(`the IN comparator is only allowed for run_id.`);
      }
      if (next()?.text !== '(') invalid(`IN needs a list like ('a', 'b').`);
      const values: string[] = [];
      for (;;) {
        const value = next();
        if (value?.type !== 'string') {
          invalid('IN lists hold quoted strings.');
        }
        values.push(value!.text);
        const sep = next();
        if (sep?.text === ')') break;
        if (sep?.text !== ',') invalid(`IN list is not closed with ')'.`);
      }
      comparisons.push({
        kind: 'in',
        key: { type: 'attribute', name: 'run_id' },
        values,
      });
    } else {
      if (!(STRING_OPS as readonly string[]).includes(op)) {
        invalid(
          `invalid comparator '${opToken.text}' for '${
            keyToken.text
          }'; one of ${STRING_OPS.join(', ')}.`,
        );
      }
      const value = next();
      if (value?.type !== 'string') {
        invalid(
          `the value of '${keyToken.text}' must be a string in single or double quotes.`,
        );
      }
      comparisons.push({
        kind: 'string',
        key,
        op: op as (typeof STRING_OPS)[number],
        value: value!.text,
      });
    }
    const joiner = next();
    if (!joiner) return comparisons;
    if (joiner.type !== 'identifier' || joiner.text.toUpperCase() !== 'AND') {
      invalid(
        `expected AND between conditions, got '${joiner.text}' (only AND is supported).`,
      );
    }
  }
}

/** SQL LIKE as MLflow applies it: `%` any run, `_` one character. */
function likeMatches(value: string, pattern: string, ignoreCase: boolean) {
  const wildcards: Record<string, string> = { '%': '.*', _: '.' };
  const source = pattern
    .split('')
    .map(c => wildcards[c] ?? c.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&'))
    .join('');
  return new RegExp(`^${source}$`, ignoreCase ? 'is' : 's').test(value);
}

/** What a comparison reads of a model or version. */
export interface Searchable {
  attributes: Record<string, string | number | undefined>;
  tags: Record<string, string>;
}

export function matchesFilter(
  comparisons: Comparison[],
  item: Searchable,
): boolean {
  return comparisons.every(c => {
    if (c.kind === 'in') {
      const runId = item.attributes.run_id;
      return typeof runId === 'string' && c.values.includes(runId);
    }
    if (c.kind === 'number') {
      const v = item.attributes.version_number as number;
      switch (c.op) {
        case '=':
          return v === c.value;
        case '!=':
          return v !== c.value;
        case '<':
          return v < c.value;
        case '<=':
          return v <= c.value;
        case '>':
          return v > c.value;
        default:
          return v >= c.value;
      }
    }
    const raw =
      c.key.type === 'tag'
        ? item.tags[c.key.name]
        : item.attributes[c.key.name];
    if (raw === undefined) return false;
    const value = String(raw);
    switch (c.op) {
      case '=':
        return value === c.value;
      case '!=':
        return value !== c.value;
      case 'LIKE':
        return likeMatches(value, c.value, false);
      default:
        return likeMatches(value, c.value, true);
    }
  });
}
