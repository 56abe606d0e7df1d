import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';

const CHUNK_SIZE = 64 * 1024;

/** Deterministic, incompressible-looking bytes (xorshift32). */
export function testBytes(size: number, seed = 1): Buffer {
  const bytes = Buffer.alloc(size);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    bytes[i] = state & 0xff;
  }
  return bytes;
}

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Streams `bytes` in chunks, the way a request body arrives. */
export function streamOf(bytes: Buffer): Readable {
  return Readable.from(chunks(bytes));
}

/** Streams the first `bytesBeforeFailure` of `bytes`, then errors. */
export function failingStream(
  bytes: Buffer,
  bytesBeforeFailure: number,
): Readable {
  return Readable.from(
    (async function* fail() {
      yield* chunks(bytes.subarray(0, bytesBeforeFailure));
      throw new Error('connection reset by peer');
    })(),
  );
}

/**
 * Streams the first `bytesBeforeAbort` of `bytes`, then is destroyed without
 * an error, like a request whose client went away.
 */
export function abortedStream(
  bytes: Buffer,
  bytesBeforeAbort: number,
): Readable {
  const stream = new Readable({ read() {} });
  for (const chunk of chunks(bytes.subarray(0, bytesBeforeAbort))) {
    stream.push(chunk);
  }
  setTimeout(() => stream.destroy(), 50);
  return stream;
}

/** Reads a whole stream into memory. */
export async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) {
    parts.push(Buffer.from(part));
  }
  return Buffer.concat(parts);
}

function* chunks(bytes: Buffer): Generator<Buffer> {
  for (let offset = 0; offset < bytes.length; offset += CHUNK_SIZE) {
    yield bytes.subarray(offset, offset + CHUNK_SIZE);
  }
}
