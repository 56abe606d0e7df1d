import { InputError } from '@backstage/errors';
import { createHash } from 'node:crypto';
import { Transform, TransformCallback } from 'node:stream';
import { normalizeSha256, PutArtifactOptions } from './ArtifactStore';

/**
 * Passes bytes through while hashing and counting them, so a store learns the
 * digest and size of what it writes without a second pass over the data.
 *
 * It errors, and so fails the write it feeds, as soon as too many bytes
 * arrive, and at the end when the digest differs from the expected one. The
 * latter happens before the consumer sees the end of the stream, so neither
 * store ever commits an object with the wrong content.
 */
export class DigestStream extends Transform {
  private readonly hash = createHash('sha256');
  private readonly maxBytes: number;
  private readonly expectedSha256?: string;
  // Not named `size` or `length`: lib-storage takes either property of a
  // body for its total length and would then expect that many parts.
  private byteCount = 0;
  private sha256?: string;

  constructor(options: PutArtifactOptions) {
    super();
    if (!Number.isSafeInteger(options.maxBytes) || options.maxBytes < 0) {
      throw new Error(
        `maxBytes must be a non-negative integer, got ${options.maxBytes}`,
      );
    }
    this.maxBytes = options.maxBytes;
    this.expectedSha256 =
      options.expectedSha256 === undefined
        ? undefined
        : normalizeSha256(options.expectedSha256);
  }

  _transform(chunk: Buffer, _encoding: string, callback: TransformCallback) {
    this.byteCount += chunk.length;
    if (this.byteCount > this.maxBytes) {
      callback(
        new InputError(
          `Artifact is larger than the limit of ${this.maxBytes} bytes`,
        ),
      );
      return;
    }
    this.hash.update(chunk);
    callback(null, chunk);
  }

  _flush(callback: TransformCallback) {
    const sha256 = this.hash.digest('hex');
    if (this.expectedSha256 !== undefined && sha256 !== this.expectedSha256) {
      callback(
        new InputError(
          `Artifact sha256 is ${sha256}, expected ${this.expectedSha256}`,
        ),
      );
      return;
    }
    this.sha256 = sha256;
    callback();
  }

  /** Digest and size of everything that passed; only once the input ended. */
  result(): { sha256: string; size: number } {
    if (this.sha256 === undefined) {
      throw new Error('DigestStream has not seen the end of its input');
    }
    return { sha256: this.sha256, size: this.byteCount };
  }
}
