import { InputError, ServiceUnavailableError } from '@backstage/errors';

// Each error keeps the name of a Backstage error the router passes through to
// the caller, and carries the HTTP status that Backstage's error middleware
// answers with (it reads `statusCode` before the name).

/**
 * 408: the client stopped sending for longer than the upload's idle timeout,
 * or the upload took longer than its overall limit.
 */
export class UploadTimeoutError extends InputError {
  readonly statusCode = 408;
}

/** 413: the upload would take the model over its artifact quota. */
export class ArtifactQuotaError extends InputError {
  readonly statusCode = 413;
}

/**
 * 507: the store's volume is (nearly) full: storing the artifact would leave
 * less free space than the configured reserve.
 */
export class InsufficientStorageError extends ServiceUnavailableError {
  readonly statusCode = 507;
}
