import { InputError } from '@backstage/errors';

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
