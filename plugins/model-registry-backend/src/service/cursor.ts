import { InputError } from '@backstage/errors';
import { Page } from '@mlreg/plugin-model-registry-common';

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
  /** Reads up to `limit` rows after the position, or from the start. */
  read: (after: P | undefined, limit: number) => Promise<T[]>;
  /** The position of a row. */
  position: (row: T) => P;
}): Promise<Page<T>> {
  const after = options.cursor
    ? decodeCursor(options.cursor, options.accept)
    : undefined;
  const rows = await options.read(after, options.limit + 1);
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
    decoded && typeof decoded === 'object'
      ? accept(decoded as Position)
      : undefined;
  if (position === undefined) {
    throw new InputError('cursor is not one this API returned');
  }
  return position;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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
  return typeof at === 'string' &&
    !Number.isNaN(Date.parse(at)) &&
    typeof id === 'string' &&
    UUID.test(id)
    ? ({ [field]: at, id } as Record<F, string> & { id: string })
    : undefined;
}
