import {
  HeadBucketCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { LoggerService } from '@backstage/backend-plugin-api';
import { Config, readDurationFromConfig } from '@backstage/config';
import { ForwardedError } from '@backstage/errors';
import { durationToMilliseconds } from '@backstage/types';
import { resolve as resolvePath } from 'node:path';
import { ArtifactStore } from './ArtifactStore';
import { FilesystemArtifactStore } from './FilesystemArtifactStore';
import { S3ArtifactStore } from './S3ArtifactStore';

const KEY = 'modelRegistry.storage';
const DEFAULT_ROOT_DIR = 'model-registry-artifacts';
const DEFAULT_REGION = 'us-east-1';
const DEFAULT_MAX_ARTIFACT_BYTES = 10 * 1024 ** 3;
// The largest object S3 accepts.
const MAX_S3_OBJECT_BYTES = 5 * 1024 ** 4;
const DEFAULT_RESERVE_BYTES = 1024 ** 3;
const DEFAULT_IDLE_TIMEOUT_MS = 60_000;
const DEFAULT_UPLOAD_TIMEOUT_MS = 6 * 60 * 60_000;
const DEFAULT_PENDING_TIMEOUT_MS = 24 * 60 * 60_000;

/** How uploads are bounded, from `modelRegistry.storage`. */
export interface UploadSettings {
  /** No byte for this long while one is awaited: 408. 0: never. */
  idleTimeoutMs: number;
  /** The longest an upload may take; 0: unlimited. */
  timeoutMs: number;
  /** Total bytes of stored artifacts per model; undefined: unlimited. */
  modelQuotaBytes?: number;
  /** How long a version may stay PENDING before it is marked FAILED. */
  pendingTimeoutMs: number;
}

/**
 * The configured store, together with the configured upload limit that
 * callers pass to {@link ArtifactStore.put} as `maxBytes`, and the other
 * bounds of uploads.
 */
export type ConfiguredArtifactStore = ArtifactStore & {
  readonly maxBytes: number;
  readonly uploads: UploadSettings;
};

/**
 * Builds the artifact store from `modelRegistry.storage` and checks that it
 * is usable. Every bad value stops the backend at startup with an error that
 * names the key.
 */
export async function createArtifactStore(
  config: Config,
  logger: LoggerService,
): Promise<ConfiguredArtifactStore> {
  const type = config.getOptionalString(`${KEY}.type`) ?? 'filesystem';
  const maxBytes = readMaxBytes(config, type);
  const uploads = readUploadSettings(config);
  let store: ArtifactStore;
  if (type === 'filesystem') {
    store = await createFilesystemStore(config);
  } else if (type === 's3') {
    store = await createS3Store(config, logger);
  } else {
    throw new Error(`${KEY}.type must be "filesystem" or "s3", got "${type}"`);
  }
  return Object.assign(store, { maxBytes, uploads });
}

function readDurationMs(config: Config, key: string, fallback: number): number {
  if (!config.has(key)) return fallback;
  // Whole milliseconds as a number, or a duration (`30s`, `{ minutes: 2 }`).
  const value = config.getOptional(key);
  const ms =
    typeof value === 'number'
      ? value
      : durationToMilliseconds(readDurationFromConfig(config, { key }));
  if (!Number.isFinite(ms) || ms < 0) {
    throw new Error(`${key} must be a non-negative duration`);
  }
  return ms;
}

/** Reads and cross-checks the bounds of uploads. */
export function readUploadSettings(config: Config): UploadSettings {
  const idleTimeoutMs = readDurationMs(
    config,
    `${KEY}.upload.idleTimeout`,
    DEFAULT_IDLE_TIMEOUT_MS,
  );
  const timeoutMs = readDurationMs(
    config,
    `${KEY}.upload.timeout`,
    DEFAULT_UPLOAD_TIMEOUT_MS,
  );
  const pendingTimeoutMs = readDurationMs(
    config,
    `${KEY}.upload.pendingTimeout`,
    DEFAULT_PENDING_TIMEOUT_MS,
  );
  if (pendingTimeoutMs <= 0) {
    throw new Error(`${KEY}.upload.pendingTimeout must be positive`);
  }
  if (timeoutMs === 0 || timeoutMs >= pendingTimeoutMs) {
    // Else a version could expire while its upload is still running.
    throw new Error(
      `${KEY}.upload.timeout must be set and shorter than ${KEY}.upload.pendingTimeout`,
    );
  }
  const quotaKey = `${KEY}.modelQuotaBytes`;
  const modelQuotaBytes = config.getOptionalNumber(quotaKey);
  if (
    modelQuotaBytes !== undefined &&
    (!Number.isSafeInteger(modelQuotaBytes) || modelQuotaBytes < 1)
  ) {
    throw new Error(`${quotaKey} must be a positive whole number of bytes`);
  }
  return { idleTimeoutMs, timeoutMs, modelQuotaBytes, pendingTimeoutMs };
}

function readMaxBytes(config: Config, type: string): number {
  const key = `${KEY}.maxArtifactBytes`;
  const maxBytes = config.getOptionalNumber(key) ?? DEFAULT_MAX_ARTIFACT_BYTES;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) {
    throw new Error(`${key} must be a positive whole number of bytes`);
  }
  if (type === 's3' && maxBytes > MAX_S3_OBJECT_BYTES) {
    throw new Error(
      `${key} must be at most ${MAX_S3_OBJECT_BYTES} (5 TiB, the largest S3 object)`,
    );
  }
  return maxBytes;
}

async function createFilesystemStore(
  config: Config,
): Promise<FilesystemArtifactStore> {
  const key = `${KEY}.filesystem.rootDir`;
  const rootDir = config.getOptionalString(key) ?? DEFAULT_ROOT_DIR;
  if (rootDir.trim() === '') {
    throw new Error(`${key} must not be empty`);
  }
  // Relative paths are relative to the backend's working directory.
  const path = resolvePath(rootDir);
  const reserveKey = `${KEY}.filesystem.reserveBytes`;
  const reserveBytes =
    config.getOptionalNumber(reserveKey) ?? DEFAULT_RESERVE_BYTES;
  if (!Number.isSafeInteger(reserveBytes) || reserveBytes < 0) {
    throw new Error(`${reserveKey} must be a whole number of bytes, 0 or more`);
  }
  try {
    return await FilesystemArtifactStore.create({
      rootDir: path,
      reserveBytes,
    });
  } catch (error) {
    throw new ForwardedError(
      `${key} "${path}" is not a writable directory`,
      error,
    );
  }
}

async function createS3Store(
  config: Config,
  logger: LoggerService,
): Promise<S3ArtifactStore> {
  const bucket = readNonEmptyString(config, `${KEY}.s3.bucket`, true);
  const region =
    readNonEmptyString(config, `${KEY}.s3.region`, false) ?? DEFAULT_REGION;
  const endpoint = readEndpoint(config);
  const forcePathStyle = config.getOptionalBoolean(`${KEY}.s3.forcePathStyle`);
  const accessKeyId = readNonEmptyString(config, `${KEY}.s3.accessKeyId`);
  const secretAccessKey = readNonEmptyString(
    config,
    `${KEY}.s3.secretAccessKey`,
  );
  if (Boolean(accessKeyId) !== Boolean(secretAccessKey)) {
    const missing = accessKeyId ? 'secretAccessKey' : 'accessKeyId';
    throw new Error(
      `${KEY}.s3.${missing} is required when the other S3 credential is set`,
    );
  }
  const prefix = config.getOptionalString(`${KEY}.s3.prefix`);
  if (prefix?.split('/').some(segment => segment === '..' || segment === '.')) {
    throw new Error(`${KEY}.s3.prefix must not contain "." or ".." segments`);
  }

  const client = new S3Client({
    region,
    endpoint,
    forcePathStyle,
    // Without explicit keys the SDK's default chain applies (environment,
    // shared profiles, web identity, instance or task roles).
    credentials:
      accessKeyId && secretAccessKey
        ? { accessKeyId, secretAccessKey }
        : undefined,
  });
  await checkBucket(client, bucket, logger);
  return new S3ArtifactStore({ client, bucket, prefix });
}

/**
 * A missing bucket or refused credentials are configuration mistakes and stop
 * the backend; an unreachable endpoint may be a passing outage, so it is only
 * logged and the first upload reports it again.
 */
async function checkBucket(
  client: S3Client,
  bucket: string,
  logger: LoggerService,
): Promise<void> {
  try {
    await client.send(new HeadBucketCommand({ Bucket: bucket }));
  } catch (error) {
    const status =
      error instanceof S3ServiceException
        ? error.$metadata.httpStatusCode
        : undefined;
    if (status === 404) {
      throw new Error(`${KEY}.s3.bucket "${bucket}" does not exist`);
    }
    if (status === 401 || status === 403) {
      throw new ForwardedError(
        `${KEY}.s3.accessKeyId/secretAccessKey (or the default AWS credentials) may not access ${KEY}.s3.bucket "${bucket}"`,
        error,
      );
    }
    logger.warn(`Could not reach S3 bucket "${bucket}" at startup: ${error}`);
  }
}

function readNonEmptyString(
  config: Config,
  key: string,
  required: true,
): string;
function readNonEmptyString(
  config: Config,
  key: string,
  required?: false,
): string | undefined;
function readNonEmptyString(
  config: Config,
  key: string,
  required = false,
): string | undefined {
  const value = required
    ? config.getString(key)
    : config.getOptionalString(key);
  if (value !== undefined && value.trim() === '') {
    throw new Error(`${key} must not be empty`);
  }
  return value;
}

function readEndpoint(config: Config): string | undefined {
  const key = `${KEY}.s3.endpoint`;
  const endpoint = readNonEmptyString(config, key);
  if (endpoint === undefined) {
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new Error(`${key} must be an http(s) URL, got "${endpoint}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`${key} must be an http(s) URL, got "${endpoint}"`);
  }
  return endpoint;
}
