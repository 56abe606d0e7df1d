import { ResponseError } from '@backstage/errors';

/** MLflow's error codes this API answers with, and their HTTP statuses. */
export const MLFLOW_ERROR_STATUS = {
  INVALID_PARAMETER_VALUE: 400,
  RESOURCE_ALREADY_EXISTS: 400,
  BAD_REQUEST: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  RESOURCE_DOES_NOT_EXIST: 404,
  ENDPOINT_NOT_FOUND: 404,
  REQUEST_LIMIT_EXCEEDED: 429,
  INTERNAL_ERROR: 500,
  TEMPORARILY_UNAVAILABLE: 503,
} as const;

export type MlflowErrorCode = keyof typeof MLFLOW_ERROR_STATUS;

/** An error MLflow clients understand: `{"error_code", "message"}`. */
export class MlflowError extends Error {
  constructor(readonly errorCode: MlflowErrorCode, message: string) {
    super(message);
    this.name = 'MlflowError';
  }

  get status(): number {
    return MLFLOW_ERROR_STATUS[this.errorCode];
  }

  toJSON() {
    return { error_code: this.errorCode, message: this.message };
  }

  static invalid(message: string) {
    return new MlflowError('INVALID_PARAMETER_VALUE', message);
  }

  static notFound(message: string) {
    return new MlflowError('RESOURCE_DOES_NOT_EXIST', message);
  }
}

/** Whether the registry answered 409: the name is taken. */
export function isConflict(error: unknown): boolean {
  return error instanceof ResponseError && error.response.status === 409;
}

/**
 * The MLflow error of an error the registry answered with: its message,
 * with the code of its HTTP status. `whenMissing` names what a 404 means in
 * MLflow's words (e.g. `Registered Model with name=x not found`).
 */
export function mlflowErrorOf(error: unknown, whenMissing?: string): unknown {
  if (error instanceof MlflowError) return error;
  if (!(error instanceof ResponseError)) return error;
  const message = error.body.error.message;
  switch (error.response.status) {
    case 400:
    case 409:
    case 413:
      return MlflowError.invalid(message);
    case 401:
      return new MlflowError('UNAUTHENTICATED', message);
    case 403:
      return new MlflowError('PERMISSION_DENIED', message);
    case 404:
      return MlflowError.notFound(whenMissing ?? message);
    case 429:
      return new MlflowError('REQUEST_LIMIT_EXCEEDED', message);
    case 503:
      return new MlflowError('TEMPORARILY_UNAVAILABLE', message);
    default:
      return new MlflowError('INTERNAL_ERROR', message);
  }
}
