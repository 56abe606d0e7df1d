import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';

/**
 * An error of a git host's API as a clear error: what was attempted, on which
 * host, and what the status means, with the host's own message.
 */
export function hostError(
  what: string,
  host: string,
  status: number | undefined,
  detail: string,
): Error {
  const base = `${what} on ${host} failed`;
  switch (status) {
    case 401:
      return new NotAllowedError(
        `${base}: the credentials were rejected (401 ${detail}); check the token of the ${host} integration`,
      );
    case 403:
      return new NotAllowedError(
        `${base}: the token of the ${host} integration may not do this (403 ${detail})`,
      );
    case 404:
      return new NotFoundError(`${base}: not found (404 ${detail})`);
    case 409:
      return new ConflictError(`${base}: it already exists (409 ${detail})`);
    case 400:
    case 422:
      return /already (exists|been taken)/i.test(detail)
        ? new ConflictError(`${base}: it already exists (${status} ${detail})`)
        : new InputError(`${base}: rejected (${status} ${detail})`);
    default:
      return new Error(`${base}: ${status ?? 'no answer'} ${detail}`);
  }
}
