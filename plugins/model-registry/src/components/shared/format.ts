import { ResponseError } from '@backstage/errors';

/** A timestamp as a short, locale-independent date and time (UTC). */
export function formatTimestamp(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** A parameter, metric or comparison value as text; `—` where there is none. */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'number') {
    return Number.isInteger(value) ? String(value) : String(+value.toFixed(4));
  }
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/**
 * What went wrong, in the backend's words when it gave a reason: a
 * ResponseError's own message only names the HTTP status.
 */
export function describeError(error: Error): string {
  if (error instanceof ResponseError && error.body?.error?.message) {
    return error.body.error.message;
  }
  return error.message;
}
