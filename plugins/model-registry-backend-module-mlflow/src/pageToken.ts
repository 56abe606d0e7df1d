import { MlflowError } from './errors';

/**
 * MLflow's page tokens: base64 of `{"offset": N}`, the position of the next
 * result in the ordered list of matches.
 */
export function createPageToken(offset: number): string {
  // As Python's json.dumps writes it, so the tokens equal MLflow's.
  return Buffer.from(`{"offset": ${offset}}`, 'utf8').toString('base64');
}

export function parsePageToken(token: string | undefined): number {
  if (!token) return 0;
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(token) || token.length % 4 !== 0) {
    throw MlflowError.invalid('Invalid page token, could not base64-decode');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
  } catch {
    throw MlflowError.invalid(
      `Invalid page token, decoded value=${Buffer.from(
        token,
        'base64',
      ).toString('utf8')}`,
    );
  }
  if (typeof parsed !== 'object' || parsed === null || !('offset' in parsed)) {
    throw MlflowError.invalid(
      `Invalid page token, parsed value=${JSON.stringify(parsed)}`,
    );
  }
  const offset = (parsed as { offset: unknown }).offset;
  if (
    typeof offset !== 'number' ||
    !Number.isSafeInteger(offset) ||
    offset < 0
  ) {
    throw MlflowError.invalid(
      `Invalid page token, offset is not a valid integer: ${JSON.stringify(
        offset,
      )}`,
    );
  }
  return offset;
}
