import { LoggerService } from '@backstage/backend-plugin-api';
import { isError } from '@backstage/errors';
import { z } from 'zod';

/** The errors whose messages are written for callers (4xx, 501, 503). */
const CALLER_ERRORS = new Set([
  'InputError',
  'AuthenticationError',
  'NotAllowedError',
  'NotFoundError',
  'ConflictError',
  'NotModifiedError',
  'NotImplementedError',
  'ServiceUnavailableError',
]);

/**
 * Anything else is a fault of the registry: its message may carry SQL or
 * internals, so the caller gets a plain 500 and the log gets the details.
 */
export function publicError(
  error: unknown,
  operationId: string,
  logger: LoggerService,
) {
  if (isError(error) && CALLER_ERRORS.has(error.name)) return error;
  logger.error(`${operationId} failed`, isError(error) ? error : undefined);
  return new Error(`${operationId} failed; the registry logged the details`);
}

/** Fails loudly when an answer is not what the API document says. */
export function checkResponse(
  operationId: string,
  schema: z.ZodType,
  value: unknown,
) {
  const sent = JSON.parse(JSON.stringify(value));
  const result = schema.safeParse(sent);
  if (!result.success) {
    throw new Error(
      `Answer of ${operationId} does not match its response schema: ${z.prettifyError(
        result.error,
      )}`,
    );
  }
}
