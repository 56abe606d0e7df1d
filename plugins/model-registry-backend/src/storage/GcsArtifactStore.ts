import { ApiError, Bucket, File, Storage } from '@google-cloud/storage';
import { LoggerService } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import { pipeline } from 'node:stream/promises';
import {
  ArtifactStore,
  assertArtifactKey,
  assertUrlExpiry,
  isArtifactKey,
  isTemporaryKey,
  PutArtifactOptions,
  StoredArtifact,
  temporaryKey,
} from './ArtifactStore';
import { DigestStream } from './DigestStream';
import { feedDigest } from './feedDigest';

/**
 * Bytes per chunk of a resumable upload: a multiple of 256 KiB, as Cloud
 * Storage requires. The client library holds one chunk in memory, to resend
 * it when a request fails, so this bounds what an upload keeps in memory. In
 * bench/artifact-store.ts, 8 MiB chunks kept the peak RSS growth of a 1 GiB
 * upload around 40 MiB at the throughput of larger ones.
 */
export const DEFAULT_CHUNK_SIZE = 8 * 1024 * 1024;
// V4 signed URLs are valid for seven days at most.
const MAX_URL_EXPIRY_SECONDS = 7 * 24 * 60 * 60;
// After signing failed (credentials that cannot sign), downloads stream
// through the backend for this long before signing is tried again.
const SIGNING_RETRY_MS = 60_000;

function isNotFound(error: unknown): boolean {
  return error instanceof ApiError && error.code === 404;
}

/**
 * Artifacts as objects in a Cloud Storage bucket.
 *
 * An upload streams, chunk by chunk, into a resumable upload of a temporary
 * object (`tmp/<uuid>`) while the {@link DigestStream} counts and hashes the
 * bytes. Cloud Storage creates an object only once the last chunk arrives,
 * which the client library sends only after the body ended and its digest
 * matched, so a failed, oversized, mismatched or killed upload leaves no
 * object at all, only an unfinished session that Cloud Storage drops after
 * a week. The verified temporary object is then copied to the artifact key
 * (a server-side rewrite, without a second transfer) and deleted; readers
 * never see an artifact key with anything but verified bytes. Temporary
 * objects a crash left between the two steps are listed, so the cleanup
 * removes them.
 */
export class GcsArtifactStore implements ArtifactStore {
  private readonly bucket: Bucket;
  private readonly prefix: string;
  private readonly chunkSize: number;
  private readonly logger?: LoggerService;
  private signingFailedAt = -Infinity;

  constructor(options: {
    storage: Storage;
    bucket: string;
    /** Folder inside the bucket that holds the keys; none by default. */
    prefix?: string;
    /** Bytes per upload request; a multiple of 256 KiB. */
    chunkSize?: number;
    /** Told when download URLs cannot be signed. */
    logger?: LoggerService;
  }) {
    this.logger = options.logger;
    this.bucket = options.storage.bucket(options.bucket);
    const prefix = (options.prefix ?? '').replace(/^\/+|\/+$/g, '');
    this.prefix = prefix ? `${prefix}/` : '';
    this.chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
    if (this.chunkSize <= 0 || this.chunkSize % (256 * 1024) !== 0) {
      throw new Error(
        `chunkSize must be a positive multiple of 262144, got ${this.chunkSize}`,
      );
    }
  }

  async put(
    key: string,
    body: NodeJS.ReadableStream,
    options: PutArtifactOptions,
  ): Promise<StoredArtifact> {
    assertArtifactKey(key);
    const digest = new DigestStream(options);
    const temp = this.file(temporaryKey());
    const upload = temp.createWriteStream({
      resumable: true,
      chunkSize: this.chunkSize,
      // While one chunk is sent, the next one is read, hashed and
      // checksummed into this buffer, instead of the body waiting.
      highWaterMark: this.chunkSize,
      contentType: 'application/octet-stream',
      // A new name: the precondition makes every request of the upload
      // safe to retry, which the library then does on transient errors.
      preconditionOpts: { ifGenerationMatch: 0 },
    });
    try {
      feedDigest(body, digest);
      await pipeline(digest, upload);
    } catch (error) {
      // The last chunk was sent only if the failure came after it (the
      // answer was lost, or the library's CRC32C check failed, in which case
      // it has deleted the object itself): best effort, the cleanup removes
      // what is left.
      await this.deleteObject(temp).catch(() => {});
      throw error;
    }

    const target = this.file(key);
    try {
      await temp.copy(target, { preconditionOpts: { ifGenerationMatch: 0 } });
    } catch (error) {
      // The copy may have happened with only its answer lost.
      await Promise.all([
        this.deleteObject(temp).catch(() => {}),
        this.deleteObject(target).catch(() => {}),
      ]);
      throw error;
    }
    // The artifact is in place; a temporary object left by a failure here
    // is the cleanup's.
    await this.deleteObject(temp).catch(() => {});
    return { key, ...digest.result() };
  }

  async get(
    key: string,
  ): Promise<{ body: NodeJS.ReadableStream; size: number }> {
    assertArtifactKey(key);
    let generation: string | number | undefined;
    let size: number;
    try {
      const [metadata] = await this.file(key).getMetadata();
      generation = metadata.generation;
      size = Number(metadata.size);
    } catch (error) {
      if (isNotFound(error)) {
        throw new NotFoundError(`No artifact stored at ${key}`);
      }
      throw error;
    }
    // The generation just seen, so the bytes and the size always match.
    const file = this.bucket.file(this.objectName(key), {
      generation: generation === undefined ? undefined : Number(generation),
    });
    return { body: file.createReadStream(), size };
  }

  async delete(key: string): Promise<void> {
    if (!isTemporaryKey(key)) assertArtifactKey(key);
    await this.deleteObject(this.file(key));
  }

  async *list(): AsyncIterable<{ key: string; lastModified: Date }> {
    for (const folder of ['tmp/', 'models/']) {
      let query:
        | { prefix: string; autoPaginate: false; pageToken?: string }
        | undefined = {
        prefix: `${this.prefix}${folder}`,
        autoPaginate: false,
      };
      while (query) {
        const [files, next] = await this.bucket.getFiles(query);
        for (const file of files) {
          const key = file.name.slice(this.prefix.length);
          const modified = file.metadata.updated ?? file.metadata.timeCreated;
          // Anything else under the prefix is not ours to report or delete.
          if ((isArtifactKey(key) || isTemporaryKey(key)) && modified) {
            yield { key, lastModified: new Date(modified) };
          }
        }
        query = next as typeof query;
      }
    }
  }

  /**
   * A V4 signed URL, or undefined when the credentials cannot sign (no
   * service-account key, and no IAM `signBlob` permission with Application
   * Default Credentials): the download then streams through the backend.
   */
  async getDownloadUrl(
    key: string,
    expiresInSeconds: number,
  ): Promise<string | undefined> {
    assertArtifactKey(key);
    assertUrlExpiry(expiresInSeconds, MAX_URL_EXPIRY_SECONDS);
    if (Date.now() - this.signingFailedAt < SIGNING_RETRY_MS) {
      return undefined;
    }
    try {
      const [url] = await this.file(key).getSignedUrl({
        version: 'v4',
        action: 'read',
        expires: Date.now() + expiresInSeconds * 1000,
      });
      return url;
    } catch (error) {
      // Signing reads no object: whatever failed, streaming still works.
      this.signingFailedAt = Date.now();
      this.logger?.warn(
        `Cannot sign Cloud Storage download URLs, downloads stream through the backend for the next ${
          SIGNING_RETRY_MS / 1000
        } s: ${error}`,
      );
      return undefined;
    }
  }

  uri(key: string): string {
    assertArtifactKey(key);
    return `gs://${this.bucket.name}/${this.objectName(key)}`;
  }

  describe(): string {
    return `Cloud Storage bucket gs://${this.bucket.name}${
      this.prefix ? ` under ${this.prefix}` : ''
    }`;
  }

  private objectName(key: string): string {
    return `${this.prefix}${key}`;
  }

  private file(key: string): File {
    return this.bucket.file(this.objectName(key));
  }

  private async deleteObject(file: File): Promise<void> {
    await file.delete({ ignoreNotFound: true });
  }
}
