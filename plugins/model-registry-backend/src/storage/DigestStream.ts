import { InputError } from '@backstage/errors';
import { createHash } from 'node:crypto';
import { Transform, TransformCallback } from 'node:stream';
import { normalizeSha256, PutArtifactOptions } from './ArtifactStore';
import { UploadTimeoutError } from './errors';

/**
 * Passes bytes through while hashing and counting them, so a store learns the
 * digest and size of what it writes without a second pass over the data.
 *
 * It errors, and so fails the write it feeds, as soon as too many bytes
 * arrive, and at the end when the digest differs from the expected one. The
 * latter happens before the consumer sees the end of the stream, so neither
 * store ever commits an object with the wrong content.
 *
 * It also keeps the upload's clock: it errors with an UploadTimeoutError when
 * no byte arrives for `idleTimeoutMs` while it waits for one (a stalled or
 * slow-loris client), or when the whole input takes longer than `timeoutMs`.
 * Time the store spends not asking for bytes (its own backpressure) does not
 * count as idle.
 */
export class DigestStream extends Transform {
  private readonly hash = createHash('sha256');
  private readonly maxBytes: number;
  private readonly expectedSha256?: string;
  // Not named `size` or `length`: lib-storage takes either property of a
  // body for its total length and would then expect that many parts.
  private byteCount = 0;
  private sha256?: string;
  private readonly tooLarge: (maxBytes: number) => Error;
  private lastActivity = Date.now();
  private idleTimer?: NodeJS.Timeout;
  private totalTimer?: NodeJS.Timeout;

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
    this.tooLarge =
      options.tooLarge ??
      (max =>
        new InputError(`Artifact is larger than the limit of ${max} bytes`));
    this.startClock(options.idleTimeoutMs ?? 0, options.timeoutMs ?? 0);
  }

  private startClock(idleTimeoutMs: number, timeoutMs: number) {
    if (idleTimeoutMs > 0) {
      // One cheap check a few times per timeout rather than a timer reset
      // per chunk, which would cost throughput on fast uploads.
      const every = Math.max(10, Math.min(1000, Math.floor(idleTimeoutMs / 4)));
      this.idleTimer = setInterval(() => {
        if (Date.now() - this.lastActivity > idleTimeoutMs) {
          this.destroy(
            new UploadTimeoutError(
              `Upload stalled: no bytes for ${idleTimeoutMs / 1000} s after ${
                this.byteCount
              } bytes`,
            ),
          );
        }
      }, every);
      this.idleTimer.unref();
    }
    if (timeoutMs > 0) {
      this.totalTimer = setTimeout(() => {
        this.destroy(
          new UploadTimeoutError(
            `Upload took longer than the limit of ${timeoutMs / 1000} s (${
              this.byteCount
            } bytes received)`,
          ),
        );
      }, timeoutMs);
      this.totalTimer.unref();
    }
  }

  private stopClock() {
    clearInterval(this.idleTimer);
    clearTimeout(this.totalTimer);
  }

  _read(size: number) {
    // The consumer asks for more: from now on, waiting is the client's.
    this.lastActivity = Date.now();
    super._read(size);
  }

  _destroy(error: Error | null, callback: (error?: Error | null) => void) {
    this.stopClock();
    callback(error);
  }

  _transform(chunk: Buffer, _encoding: string, callback: TransformCallback) {
    this.lastActivity = Date.now();
    this.byteCount += chunk.length;
    if (this.byteCount > this.maxBytes) {
      callback(this.tooLarge(this.maxBytes));
      return;
    }
    this.hash.update(chunk);
    callback(null, chunk);
  }

  _flush(callback: TransformCallback) {
    // The input is complete; what the store does next is not the client's.
    this.stopClock();
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

  /** Bytes that passed so far. */
  get bytesSoFar(): number {
    return this.byteCount;
  }

  /** Digest and size of everything that passed; only once the input ended. */
  result(): { sha256: string; size: number } {
    if (this.sha256 === undefined) {
      throw new Error('DigestStream has not seen the end of its input');
    }
    return { sha256: this.sha256, size: this.byteCount };
  }
}
