import {
  DeleteObjectCommand,
  GetObjectCommand,
  paginateListObjectsV2,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { NotFoundError } from '@backstage/errors';
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import {
  ArtifactStore,
  assertArtifactKey,
  assertUrlExpiry,
  isArtifactKey,
  PutArtifactOptions,
  StoredArtifact,
} from './ArtifactStore';
import { DigestStream } from './DigestStream';
import { feedDigest } from './feedDigest';

// S3's multipart limits: parts of at least 5 MiB, at most 10,000 of them.
const MIN_PART_SIZE = 5 * 1024 * 1024;
const MAX_PARTS = 10_000;
// Parts uploaded in parallel. lib-storage reads the body only as fast as
// parts are sent, so memory stays flat whatever the artifact's size: the parts
// in flight plus the sent ones that garbage collection has not reclaimed yet.
// In bench/artifact-store.ts lib-storage's default of 4 raised peak RSS by
// about 75 MiB during a 1 GiB upload, 2 by about 30 MiB, at nearly the same
// throughput.
const QUEUE_SIZE = 2;
// SigV4 presigned URLs are valid for seven days at most.
const MAX_URL_EXPIRY_SECONDS = 7 * 24 * 60 * 60;

/**
 * Artifacts as objects in an S3 bucket, on AWS or any S3-compatible server.
 *
 * Uploads go straight to the final key, as a single PutObject for small
 * artifacts and a multipart upload otherwise. S3 makes either visible only
 * once it completes, and the {@link DigestStream} fails the body before its
 * end when the size or digest is wrong, so lib-storage never completes (and
 * aborts) such an upload: no partial or unverified object is ever readable
 * at the key, and no copy of the data is needed.
 *
 * A process killed mid-upload leaves an incomplete multipart upload behind,
 * which is invisible to readers and to {@link S3ArtifactStore.list}; the
 * bucket's `AbortIncompleteMultipartUpload` lifecycle rule removes those.
 */
export class S3ArtifactStore implements ArtifactStore {
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;

  constructor(options: {
    client: S3Client;
    bucket: string;
    /** Folder inside the bucket that holds the keys; none by default. */
    prefix?: string;
  }) {
    this.client = options.client;
    this.bucket = options.bucket;
    const prefix = (options.prefix ?? '').replace(/^\/+|\/+$/g, '');
    this.prefix = prefix ? `${prefix}/` : '';
  }

  async put(
    key: string,
    body: NodeJS.ReadableStream,
    options: PutArtifactOptions,
  ): Promise<StoredArtifact> {
    assertArtifactKey(key);
    const digest = new DigestStream(options);
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: this.objectKey(key), Body: digest },
      queueSize: QUEUE_SIZE,
      partSize: Math.max(
        MIN_PART_SIZE,
        Math.ceil(options.maxBytes / MAX_PARTS),
      ),
    });

    const [read, uploaded] = await Promise.allSettled([
      (async () => {
        feedDigest(body, digest);
        // Until the digest has taken the whole body (its writable side).
        await finished(digest, { readable: false });
      })(),
      upload.done().catch(error => {
        // Stops reading the body once S3 has failed.
        digest.destroy(error);
        throw error;
      }),
    ]);
    if (read.status === 'rejected') {
      // The body broke, was too large or had the wrong digest, or S3 failed
      // before the body ended: either way the upload never completed, so
      // there is nothing at the key to remove.
      throw read.reason;
    }
    if (uploaded.status === 'rejected') {
      // S3 failed after the whole body was sent, so it may have completed
      // the object and failed only in its answer. Best effort: the orphan
      // cleanup removes the object if this fails too.
      await this.delete(key).catch(() => {});
      throw uploaded.reason;
    }
    return { key, ...digest.result() };
  }

  async get(
    key: string,
  ): Promise<{ body: NodeJS.ReadableStream; size: number }> {
    assertArtifactKey(key);
    try {
      const object = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }),
      );
      if (!(object.Body instanceof Readable)) {
        throw new Error(`S3 returned no body for ${key}`);
      }
      return { body: object.Body, size: object.ContentLength ?? 0 };
    } catch (error) {
      if (
        error instanceof S3ServiceException &&
        error.$metadata.httpStatusCode === 404
      ) {
        throw new NotFoundError(`No artifact stored at ${key}`);
      }
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    assertArtifactKey(key);
    // S3 answers 204 for absent keys too.
    await this.client.send(
      new DeleteObjectCommand({
        Bucket: this.bucket,
        Key: this.objectKey(key),
      }),
    );
  }

  async *list(): AsyncIterable<{ key: string; lastModified: Date }> {
    const pages = paginateListObjectsV2(
      { client: this.client },
      { Bucket: this.bucket, Prefix: `${this.prefix}models/` },
    );
    for await (const page of pages) {
      for (const object of page.Contents ?? []) {
        const key = object.Key?.slice(this.prefix.length) ?? '';
        // Anything else under the prefix is not ours to report or delete.
        if (isArtifactKey(key) && object.LastModified) {
          yield { key, lastModified: object.LastModified };
        }
      }
    }
  }

  async getDownloadUrl(key: string, expiresInSeconds: number): Promise<string> {
    assertArtifactKey(key);
    assertUrlExpiry(expiresInSeconds, MAX_URL_EXPIRY_SECONDS);
    return getSignedUrl(
      this.client,
      new GetObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }),
      { expiresIn: expiresInSeconds },
    );
  }

  uri(key: string): string {
    assertArtifactKey(key);
    return `s3://${this.bucket}/${this.objectKey(key)}`;
  }

  describe(): string {
    return `S3 bucket ${this.bucket}${
      this.prefix ? ` under ${this.prefix}` : ''
    }`;
  }

  private objectKey(key: string): string {
    return `${this.prefix}${key}`;
  }
}
