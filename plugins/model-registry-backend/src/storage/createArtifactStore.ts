import {
  HeadBucketCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { LoggerService } from '@backstage/backend-plugin-api';
import { Config, readDurationFromConfig } from '@backstage/config';
import { ForwardedError } from '@backstage/errors';
import { durationToMilliseconds } from '@backstage/types';
import { ApiError, Storage, StorageOptions } from '@google-cloud/storage';
import { readFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { ArtifactStore } from './ArtifactStore';
import { crc32cGenerator } from './crc32c';
import { FilesystemArtifactStore } from './FilesystemArtifactStore';
import { GcsArtifactStore } from './GcsArtifactStore';
import { S3ArtifactStore } from './S3ArtifactStore';

const KEY = 'modelRegistry.storage';
const DEFAULT_ROOT_DIR = 'model-registry-artifacts';
const DEFAULT_REGION = 'us-east-1';
const DEFAULT_MAX_ARTIFACT_BYTES = 10 * 1024 ** 3;
// The largest object each object store accepts.
const MAX_OBJECT_BYTES: Record<string, { bytes: number; name: string }> = {
  s3: { bytes: 5 * 1024 ** 4, name: 'S3' },
  gcs: { bytes: 5 * 1024 ** 4, name: 'Cloud Storage' },
};
// Cloud Storage's bucket names: 3 to 63 characters, or up to 222 with dots.
const GCS_BUCKET_PATTERN = /^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/;
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
  } else if (type === 'gcs') {
    store = await createGcsStore(config, logger);
  } else {
    throw new Error(
      `${KEY}.type must be "filesystem", "s3" or "gcs", got "${type}"`,
    );
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
  const largest = MAX_OBJECT_BYTES[type];
  if (largest && maxBytes > largest.bytes) {
    throw new Error(
      `${key} must be at most ${largest.bytes} (5 TiB, the largest ${largest.name} object)`,
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
  const endpoint = readEndpoint(config, `${KEY}.s3.endpoint`);
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
  const prefix = readPrefix(config, `${KEY}.s3.prefix`);

  const checksumKey = `${KEY}.s3.checksumCalculation`;
  const checksums = config.getOptionalString(checksumKey) ?? 'WHEN_SUPPORTED';
  if (checksums !== 'WHEN_SUPPORTED' && checksums !== 'WHEN_REQUIRED') {
    throw new Error(
      `${checksumKey} must be "WHEN_SUPPORTED" or "WHEN_REQUIRED", got "${checksums}"`,
    );
  }

  const client = new S3Client({
    region,
    endpoint,
    forcePathStyle,
    // WHEN_REQUIRED: no CRC32 headers on uploads, which Cloud Storage's XML
    // API and other S3-compatible servers refuse.
    requestChecksumCalculation: checksums,
    responseChecksumValidation: checksums,
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

function readPrefix(config: Config, key: string): string | undefined {
  const prefix = config.getOptionalString(key);
  if (prefix?.split('/').some(segment => segment === '..' || segment === '.')) {
    throw new Error(`${key} must not contain "." or ".." segments`);
  }
  return prefix;
}

function readEndpoint(config: Config, key: string): string | undefined {
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

/**
 * The credentials of the Cloud Storage client: a service-account key file,
 * an inline key, or else Application Default Credentials (the
 * GOOGLE_APPLICATION_CREDENTIALS file, gcloud's user credentials, or the
 * metadata server on GKE with workload identity, Cloud Run and GCE).
 */
function readGcsCredentials(
  config: Config,
): Pick<StorageOptions, 'keyFilename' | 'credentials'> {
  const keyFileKey = `${KEY}.gcs.keyFilename`;
  const keyFilename = readNonEmptyString(config, keyFileKey);
  const hasInline = config.has(`${KEY}.gcs.credentials`);
  if (keyFilename && hasInline) {
    throw new Error(
      `${keyFileKey} and ${KEY}.gcs.credentials are alternatives; set one`,
    );
  }
  if (keyFilename) {
    const path = resolvePath(keyFilename);
    let key: { type?: unknown };
    try {
      key = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new ForwardedError(
        `${keyFileKey} "${path}" is not a readable JSON key file`,
        error,
      );
    }
    if (typeof key?.type !== 'string') {
      throw new Error(
        `${keyFileKey} "${path}" is no Google credentials file (it has no "type")`,
      );
    }
    return { keyFilename: path };
  }
  if (hasInline) {
    return {
      credentials: {
        client_email: readNonEmptyString(
          config,
          `${KEY}.gcs.credentials.clientEmail`,
          true,
        ),
        // Key files and secret stores often keep the newlines escaped.
        private_key: readNonEmptyString(
          config,
          `${KEY}.gcs.credentials.privateKey`,
          true,
        ).replace(/\\n/g, '\n'),
      },
    };
  }
  return {};
}

async function createGcsStore(
  config: Config,
  logger: LoggerService,
): Promise<GcsArtifactStore> {
  const bucketKey = `${KEY}.gcs.bucket`;
  const bucket = readNonEmptyString(config, bucketKey, true);
  if (!GCS_BUCKET_PATTERN.test(bucket)) {
    throw new Error(
      `${bucketKey} must be a Cloud Storage bucket name (lowercase letters, digits, "-", "_" and ".", without gs://), got "${bucket}"`,
    );
  }
  const projectId = readNonEmptyString(config, `${KEY}.gcs.projectId`);
  const apiEndpoint = readEndpoint(config, `${KEY}.gcs.apiEndpoint`);
  const prefix = readPrefix(config, `${KEY}.gcs.prefix`);
  const storage = new Storage({
    projectId,
    apiEndpoint,
    useAuthWithCustomEndpoint: config.getOptionalBoolean(
      `${KEY}.gcs.useAuthWithCustomEndpoint`,
    ),
    crc32cGenerator,
    ...readGcsCredentials(config),
  });
  await checkGcsBucket(storage, bucket, prefix, logger);
  return new GcsArtifactStore({ storage, bucket, prefix, logger });
}

/** As {@link checkBucket}, with the one request the store's role allows. */
async function checkGcsBucket(
  storage: Storage,
  bucket: string,
  prefix: string | undefined,
  logger: LoggerService,
): Promise<void> {
  try {
    // storage.objects.list, which the object roles grant; reading the
    // bucket's metadata would need more.
    await storage
      .bucket(bucket)
      .getFiles({ prefix, maxResults: 1, autoPaginate: false });
  } catch (error) {
    const status = error instanceof ApiError ? error.code : undefined;
    if (status === 404) {
      throw new Error(`${KEY}.gcs.bucket "${bucket}" does not exist`);
    }
    if (status === 401 || status === 403) {
      throw new ForwardedError(
        `The Cloud Storage credentials may not list the objects of ${KEY}.gcs.bucket "${bucket}" (grant roles/storage.objectUser)`,
        error,
      );
    }
    if (/Could not load the default credentials/.test(String(error))) {
      throw new ForwardedError(
        `No Cloud Storage credentials: set ${KEY}.gcs.keyFilename or ${KEY}.gcs.credentials, or GOOGLE_APPLICATION_CREDENTIALS, or run with Application Default Credentials`,
        error,
      );
    }
    logger.warn(
      `Could not reach Cloud Storage bucket "${bucket}" at startup: ${error}`,
    );
  }
}
