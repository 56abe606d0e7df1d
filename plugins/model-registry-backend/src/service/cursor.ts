import { InputError } from '@backstage/errors';
import { Page } from '@mlreg/plugin-model-registry-common';
import { isStorableText } from './storableText';

/** A keyset position in a list: the sort values of the last row seen. */
export type Position = Record<string, unknown>;

/**
 * Reads one page of a list ordered by a keyset. The cursor, when given, is
 * decoded into the position to read after; one row more than the page
 * holds is read, and its presence means there is a next page, whose cursor
 * is the position of the page's last row.
 */
export async function readPage<T, P extends Position>(options: {
  cursor?: string;
  limit: number;
  /** The position a decoded cursor stands for; undefined rejects it. */
  accept: (decoded: Position) => P | undefined;
  /**
   * Reads up to `limit` rows after the position, or from the start; or
   * fewer, with `cut`, where the rows are too large to take more at once:
   * the page ends there and the next one goes on after its last row.
   */
  read: (
    after: P | undefined,
    limit: number,
  ) => Promise<T[] | { rows: T[]; cut: boolean }>;
  /** The position of a row. */
  position: (row: T) => P;
}): Promise<Page<T>> {
  const after = options.cursor
    ? decodeCursor(options.cursor, options.accept)
    : undefined;
  const read = await options.read(after, options.limit + 1);
  const rows = Array.isArray(read) ? read : read.rows;
  if (!Array.isArray(read) && read.cut && rows.length > 0) {
    const items = rows.slice(0, options.limit);
    return {
      items,
      nextCursor: encodeCursor(options.position(items[items.length - 1])),
    };
  }
  if (rows.length <= options.limit) return { items: rows };
  const items = rows.slice(0, options.limit);
  return {
    items,
    nextCursor: encodeCursor(options.position(items[options.limit - 1])),
  };
}

/** Opaque page cursors: base64url JSON of the last row's position. */
function encodeCursor(position: Position): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

/** Decodes a cursor, rejecting anything this API did not hand out. */
function decodeCursor<P>(
  cursor: string,
  accept: (decoded: Position) => P | undefined,
): P {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString());
  } catch {
    decoded = undefined;
  }
  const position =
    decoded &&
    typeof decoded === 'object' &&
    !Array.isArray(decoded) &&
    Object.values(decoded).every(isPlainValue)
      ? accept(decoded as Position)
      : undefined;
  if (position === undefined) {
    throw new InputError('cursor is not one this API returned');
  }
  return position;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * What a position this API hands out is made of: storable strings of at
 * most 512 characters, finite numbers and booleans. Anything else (nested
 * objects, NUL, 1e400) is forged, whatever the list.
 */
function isPlainValue(value: unknown): boolean {
  if (typeof value === 'string') {
    return value.length <= 512 && isStorableText(value);
  }
  if (typeof value === 'number') return Number.isFinite(value);
  return typeof value === 'boolean';
}

/** The form of `Date.prototype.toISOString`, the only timestamps in cursors. */
const ISO_TIMESTAMP =
  /^(\d{4}|[+-]\d{6})-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Whether a cursor value is a timestamp as this API writes them. */
export function isTimestamp(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    ISO_TIMESTAMP.test(value) &&
    !Number.isNaN(Date.parse(value))
  );
}

/**
 * Whether a cursor value is a whole number in `[min, max]`; the default
 * range is that of an `integer` column, which the value is compared with.
 */
export function isWholeNumber(
  value: unknown,
  min = 0,
  max = 2 ** 31 - 1,
): value is number {
  return (
    Number.isSafeInteger(value) &&
    (value as number) >= min &&
    (value as number) <= max
  );
}

/** Whether a cursor value is a non-empty string (of storable text, see `decodeCursor`). */
export function isText(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

/**
 * Reads a decoded cursor as a `{ [field]: <ISO timestamp>, id: <uuid> }`
 * keyset position, the cursor of lists ordered newest first by a timestamp
 * and a uuid; undefined when it is not one.
 */
export function timestampAndId<F extends string>(
  decoded: Position,
  field: F,
): (Record<F, string> & { id: string }) | undefined {
  const at = decoded[field];
  const id = decoded.id;
  return isTimestamp(at) && typeof id === 'string' && UUID.test(id)
    ? ({ [field]: at, id } as Record<F, string> & { id: string })
    : undefined;
}
