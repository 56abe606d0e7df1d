import { InputError } from '@backstage/errors';
import { randomUUID } from 'node:crypto';

/** What a successful {@link ArtifactStore.put} stored. */
export interface StoredArtifact {
  key: string;
  /** Lowercase hex sha256 of the stored bytes. */
  sha256: string;
  /** Bytes stored. */
  size: number;
}

/** Options of {@link ArtifactStore.put}. */
export interface PutArtifactOptions {
  /** The upload is rejected as soon as more bytes than this arrive. */
  maxBytes: number;
  /** When given, the upload is rejected unless the bytes hash to this (hex). */
  expectedSha256?: string;
  /**
   * The error to fail with when more than maxBytes arrive, when maxBytes is
   * a quota rather than the size limit (default: an InputError naming it).
   */
  tooLarge?: (maxBytes: number) => Error;
  /**
   * The size the client announced (Content-Length), when it did: stores that
   * check free space refuse an upload that cannot fit before reading it.
   */
  declaredBytes?: number;
  /**
   * Fails the upload with an UploadTimeoutError (408) when no byte arrives for
   * this long while the store waits for one. 0 or unset: no idle limit.
   */
  idleTimeoutMs?: number;
  /**
   * Fails the upload with an UploadTimeoutError (408) when it takes longer
   * than this in total. 0 or unset: no limit.
   */
  timeoutMs?: number;
}

/**
 * Where model artifacts live. Keys come from {@link artifactKey}; stores
 * reject anything else, so no user input ever reaches a path or object name.
 */
export interface ArtifactStore {
  /**
   * Streams `body` to `key`, hashing (sha256, hex) and counting bytes on the
   * way. Rejects with InputError when more than maxBytes arrive or when
   * expectedSha256 is given and differs; on any failure (including the body
   * stream erroring or aborting) nothing is left at `key`. Writes are atomic:
   * readers never see a partial object.
   */
  put(
    key: string,
    body: NodeJS.ReadableStream,
    options: PutArtifactOptions,
  ): Promise<StoredArtifact>;

  /** Streams an object; NotFoundError when absent. */
  get(key: string): Promise<{ body: NodeJS.ReadableStream; size: number }>;

  /** Removes an object; removing an absent one succeeds. */
  delete(key: string): Promise<void>;

  /**
   * Every key with its last-modified time, for the orphan cleanup. Besides
   * artifact keys this yields whatever an interrupted upload left behind
   * where the store can see it (the temporary files of the filesystem store),
   * so that the cleanup removes those with {@link ArtifactStore.delete} too:
   * no version ever references them.
   */
  list(): AsyncIterable<{ key: string; lastModified: Date }>;

  /**
   * A time-limited download URL, or undefined when the store cannot presign
   * (filesystem).
   */
  getDownloadUrl(
    key: string,
    expiresInSeconds: number,
  ): Promise<string | undefined>;

  /**
   * The object's URI for other tools, which the API reports as the
   * artifact's `uri` (`s3://bucket/key`, `gs://bucket/key`, as the AWS CLI,
   * gsutil and KServe's storage initializer take them), or undefined when
   * the store has none (filesystem).
   */
  uri(key: string): string | undefined;

  /** Where the artifacts are, for log messages. */
  describe(): string;
}

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const UUID_PATTERN = new RegExp(`^${UUID}$`, 'i');
const ARTIFACT_KEY_PATTERN = new RegExp(
  `^models/${UUID}/versions/${UUID}/artifact$`,
);
const TEMPORARY_KEY_PATTERN = new RegExp(`^tmp/${UUID}$`);

/**
 * The key of a version's artifact. It is built from the two database UUIDs
 * only, never from names or other user input, which rules out path traversal
 * and odd object names by construction.
 */
export function artifactKey(modelId: string, versionId: string): string {
  for (const [name, value] of [
    ['modelId', modelId],
    ['versionId', versionId],
  ]) {
    if (!UUID_PATTERN.test(value)) {
      throw new Error(`Artifact key needs a UUID ${name}, got "${value}"`);
    }
  }
  return `models/${modelId.toLowerCase()}/versions/${versionId.toLowerCase()}/artifact`;
}

/** True for the keys {@link artifactKey} produces. */
export function isArtifactKey(key: string): boolean {
  return ARTIFACT_KEY_PATTERN.test(key);
}

/**
 * Defence in depth: stores call this on every key they are handed, so a key
 * that did not come from {@link artifactKey} never reaches the disk or S3.
 */
export function assertArtifactKey(key: string): void {
  if (!isArtifactKey(key)) {
    throw new InputError(`Invalid artifact key "${key}"`);
  }
}

/**
 * A fresh key for the bytes of an upload in progress, in the store's `tmp/`
 * folder: stores that write there first and move the object to its
 * artifact key once verified report these in {@link ArtifactStore.list}
 * and accept them in {@link ArtifactStore.delete}, so that the cleanup
 * removes what an interrupted upload left behind.
 */
export function temporaryKey(): string {
  return `tmp/${randomUUID()}`;
}

/** True for the keys {@link temporaryKey} produces. */
export function isTemporaryKey(key: string): boolean {
  return TEMPORARY_KEY_PATTERN.test(key);
}

/**
 * Checks the lifetime asked of a signed download URL against the longest
 * the store's signature allows (seven days for S3's SigV4 and Cloud
 * Storage's V4 signatures).
 */
export function assertUrlExpiry(
  expiresInSeconds: number,
  maxSeconds: number,
): void {
  if (
    !Number.isInteger(expiresInSeconds) ||
    expiresInSeconds < 1 ||
    expiresInSeconds > maxSeconds
  ) {
    throw new InputError(
      `Download URLs expire after 1 to ${maxSeconds} seconds, got ${expiresInSeconds}`,
    );
  }
}

/** A sha256 as the API accepts it: 64 hex digits, either case. */
export function normalizeSha256(sha256: string): string {
  if (!/^[0-9a-f]{64}$/i.test(sha256)) {
    throw new InputError(
      `expected sha256 must be 64 hexadecimal digits, got "${sha256}"`,
    );
  }
  return sha256.toLowerCase();
}
