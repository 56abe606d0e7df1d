import { formatValue } from '../shared';

/** Bookkeeping fields that change with every write and say nothing. */
const IGNORED_FIELDS = new Set([
  'createdAt',
  'createdBy',
  'updatedAt',
  'updatedBy',
]);

/** Fields that identify what a record created, in the order worth showing. */
const IDENTIFYING_FIELDS = ['alias', 'version', 'status', 'value', 'unit'];

const MAX_TEXT = 60;

type Fields = Record<string, unknown>;

function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function short(value: unknown): string {
  const text = formatValue(value);
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text;
}

function identify(value: unknown): string {
  if (!isFields(value)) return short(value);
  const parts = IDENTIFYING_FIELDS.filter(key => value[key] !== undefined).map(
    key => `${key} ${short(value[key])}`,
  );
  return parts.length > 0 ? parts.join(', ') : 'created';
}

/** The before → after of an audit record, as one line of text. */
export function describeChange(before: unknown, after: unknown): string {
  const hasBefore = before !== undefined && before !== null;
  const hasAfter = after !== undefined && after !== null;
  if (!hasBefore && !hasAfter) return '—';
  if (!hasBefore) return `— → ${identify(after)}`;
  if (!hasAfter) return `${identify(before)} → —`;
  if (isFields(before) && isFields(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])]
      .filter(key => !IGNORED_FIELDS.has(key))
      .filter(
        key => JSON.stringify(before[key]) !== JSON.stringify(after[key]),
      );
    if (keys.length === 0) return 'no visible change';
    return keys
      .map(key => `${key}: ${short(before[key])} → ${short(after[key])}`)
      .join('; ');
  }
  return `${short(before)} → ${short(after)}`;
}
