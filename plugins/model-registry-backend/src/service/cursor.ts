import { InputError } from '@backstage/errors';
import { Page } from '@mlreg/plugin-model-registry-common';

/** Opaque page cursors: base64url JSON of the last row's position. */
export function encodeCursor(position: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

/** Decodes a cursor, rejecting anything this API did not hand out. */
export function decodeCursor<T>(
  cursor: string,
  accept: (decoded: Record<string, unknown>) => T | undefined,
): T {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString());
  } catch {
    decoded = undefined;
  }
  const position =
    decoded && typeof decoded === 'object'
      ? accept(decoded as Record<string, unknown>)
      : undefined;
  if (position === undefined) {
    throw new InputError('cursor is not one this API returned');
  }
  return position;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Accepts a `{ [field]: <ISO timestamp>, id: <uuid> }` keyset position, the
 * cursor of lists ordered newest first by a timestamp and a uuid.
 */
export function timestampAndId<F extends string>(field: F) {
  return (c: Record<string, unknown>) => {
    const at = c[field];
    const id = c.id;
    return typeof at === 'string' &&
      !Number.isNaN(Date.parse(at)) &&
      typeof id === 'string' &&
      UUID.test(id)
      ? ({ [field]: at, id } as Record<F, string> & { id: string })
      : undefined;
  };
}

/**
 * Cuts a page from rows read with one extra row (`limit + 1`): the extra
 * row's presence means there is a next page, which starts after the last
 * row kept.
 */
export function toPage<T>(
  rows: T[],
  limit: number,
  position: (last: T) => Record<string, unknown>,
): Page<T> {
  if (rows.length <= limit) return { items: rows };
  const items = rows.slice(0, limit);
  return { items, nextCursor: encodeCursor(position(items[limit - 1])) };
}
