import {
  DeleteObjectsCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { createMockDirectory } from '@backstage/backend-test-utils';
import { InputError, NotFoundError } from '@backstage/errors';
import { randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { artifactKey } from './ArtifactStore';
import { S3ArtifactStore } from './S3ArtifactStore';
import { startS3Server, TestS3Server } from './__testUtils__/s3rver';
import {
  abortedStream,
  failingStream,
  readAll,
  sha256,
  streamOf,
  testBytes,
} from './__testUtils__/streams';

jest.setTimeout(60_000);

const BUCKET = 'artifacts';
const PREFIX = 'registry';
const MODEL_ID = '0b7c5bd6-4d0f-4f38-9d43-6f0f0c1d2e3a';
const MiB = 1024 * 1024;

describe('S3ArtifactStore', () => {
  const mockDir = createMockDirectory();
  let s3: TestS3Server;
  let store: S3ArtifactStore;
  let sent: string[];

  beforeAll(async () => {
    s3 = await startS3Server({
      directory: mockDir.resolve('s3'),
      buckets: [BUCKET],
    });
    store = new S3ArtifactStore({
      client: s3.client,
      bucket: BUCKET,
      prefix: PREFIX,
    });
    // Records the commands the store sends, to prove what it asked S3 to do.
    s3.client.middlewareStack.add(
      (next, context) => args => {
        sent.push(context.commandName!);
        return next(args);
      },
      { step: 'initialize', name: 'recordCommands' },
    );
  });

  afterAll(() => s3.stop());

  beforeEach(() => {
    sent = [];
  });

  afterEach(async () => {
    const { Contents = [] } = await s3.client.send(
      new ListObjectsV2Command({ Bucket: BUCKET }),
    );
    if (Contents.length > 0) {
      await s3.client.send(
        new DeleteObjectsCommand({
          Bucket: BUCKET,
          Delete: { Objects: Contents.map(({ Key }) => ({ Key })) },
        }),
      );
    }
  });

  const newKey = () => artifactKey(MODEL_ID, randomUUID());

  /** Every object in the bucket, so that any leftover shows up. */
  async function bucketKeys(): Promise<string[]> {
    const { Contents = [] } = await s3.client.send(
      new ListObjectsV2Command({ Bucket: BUCKET }),
    );
    return Contents.map(({ Key }) => Key!).sort();
  }

  it('stores a small artifact in one request and streams it back', async () => {
    const key = newKey();
    const bytes = testBytes(100_000);

    const stored = await store.put(key, streamOf(bytes), {
      maxBytes: MiB,
      expectedSha256: sha256(bytes),
    });

    expect(stored).toEqual({ key, sha256: sha256(bytes), size: bytes.length });
    expect(sent).toContain('PutObjectCommand');
    expect(sent).not.toContain('CreateMultipartUploadCommand');
    expect(await bucketKeys()).toEqual([`${PREFIX}/${key}`]);
    const { body, size } = await store.get(key);
    expect(size).toBe(bytes.length);
    expect((await readAll(body)).equals(bytes)).toBe(true);
  });

  it('streams a large artifact as a multipart upload', async () => {
    const key = newKey();
    const bytes = testBytes(20 * MiB + 123);

    const stored = await store.put(key, streamOf(bytes), {
      maxBytes: 10 * 1024 * MiB,
      expectedSha256: sha256(bytes),
    });

    expect(stored).toEqual({ key, sha256: sha256(bytes), size: bytes.length });
    expect(sent.filter(name => name === 'UploadPartCommand')).toHaveLength(5);
    expect(sent).toContain('CompleteMultipartUploadCommand');
    const { body, size } = await store.get(key);
    expect(size).toBe(bytes.length);
    expect(sha256(await readAll(body))).toBe(sha256(bytes));
  });

  it('rejects an artifact over the size limit and aborts the upload', async () => {
    const key = newKey();
    await expect(
      store.put(key, streamOf(testBytes(20 * MiB)), { maxBytes: 12 * MiB }),
    ).rejects.toThrow(
      new InputError(`Artifact is larger than the limit of ${12 * MiB} bytes`),
    );
    expect(sent).toContain('AbortMultipartUploadCommand');
    expect(sent).not.toContain('CompleteMultipartUploadCommand');
    expect(await bucketKeys()).toEqual([]);
  });

  it('rejects a digest mismatch without completing the upload', async () => {
    const key = newKey();
    const bytes = testBytes(12 * MiB);
    const wrong = sha256(Buffer.from('something else'));
    await expect(
      store.put(key, streamOf(bytes), {
        maxBytes: 20 * MiB,
        expectedSha256: wrong,
      }),
    ).rejects.toThrow(
      new InputError(`Artifact sha256 is ${sha256(bytes)}, expected ${wrong}`),
    );
    expect(sent).not.toContain('CompleteMultipartUploadCommand');
    expect(await bucketKeys()).toEqual([]);
  });

  it('rejects a digest mismatch of a small artifact without storing it', async () => {
    const key = newKey();
    await expect(
      store.put(key, streamOf(testBytes(1000)), {
        maxBytes: MiB,
        expectedSha256: sha256(Buffer.from('something else')),
      }),
    ).rejects.toThrow(InputError);
    expect(sent).not.toContain('PutObjectCommand');
    expect(await bucketKeys()).toEqual([]);
  });

  it('leaves nothing behind when the body fails mid-upload', async () => {
    const key = newKey();
    const bytes = testBytes(20 * MiB);
    await expect(
      store.put(key, failingStream(bytes, 12 * MiB), { maxBytes: 20 * MiB }),
    ).rejects.toThrow('connection reset by peer');
    expect(sent).not.toContain('CompleteMultipartUploadCommand');
    expect(await bucketKeys()).toEqual([]);
  });

  it('leaves nothing behind when the body is aborted', async () => {
    const key = newKey();
    const bytes = testBytes(8 * MiB);
    await expect(
      store.put(key, abortedStream(bytes, 8 * MiB), { maxBytes: 20 * MiB }),
    ).rejects.toThrow('Premature close');
    expect(await bucketKeys()).toEqual([]);
  });

  it('shows nothing at the key until the upload is complete', async () => {
    const key = newKey();
    const bytes = testBytes(16 * MiB);
    const body = new PassThrough();
    const putting = store.put(key, body, { maxBytes: 20 * MiB });

    body.write(bytes.subarray(0, 12 * MiB));
    while (!sent.includes('UploadPartCommand')) {
      await new Promise(resolve => setTimeout(resolve, 20));
    }
    await expect(store.get(key)).rejects.toThrow(NotFoundError);
    await expect(
      s3.client.send(
        new HeadObjectCommand({ Bucket: BUCKET, Key: `${PREFIX}/${key}` }),
      ),
    ).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });

    body.end(bytes.subarray(12 * MiB));
    await putting;
    expect(sha256(await readAll((await store.get(key)).body))).toBe(
      sha256(bytes),
    );
  });

  it('answers NotFoundError for a missing artifact', async () => {
    await expect(store.get(newKey())).rejects.toThrow(NotFoundError);
  });

  it('deletes idempotently', async () => {
    const key = newKey();
    await store.put(key, streamOf(testBytes(10)), { maxBytes: 10 });

    await store.delete(key);
    await store.delete(key);

    await expect(store.get(key)).rejects.toThrow(NotFoundError);
    expect(await bucketKeys()).toEqual([]);
  });

  it('lists its artifacts under the prefix, nothing else', async () => {
    const keys = [newKey(), newKey(), newKey()];
    for (const key of keys) {
      await store.put(key, streamOf(testBytes(10)), { maxBytes: 10 });
    }
    for (const Key of [
      `${PREFIX}/models/notes.txt`,
      `other/${keys[0]}`,
      keys[1],
    ]) {
      await s3.client.send(
        new PutObjectCommand({ Bucket: BUCKET, Key, Body: 'not ours' }),
      );
    }

    const listed: { key: string; lastModified: Date }[] = [];
    for await (const entry of store.list()) {
      listed.push(entry);
    }

    expect(listed.map(entry => entry.key).sort()).toEqual([...keys].sort());
    for (const entry of listed) {
      expect(Date.now() - entry.lastModified.getTime()).toBeLessThan(60_000);
    }
  });

  it('presigns time-limited download URLs for plain HTTP clients', async () => {
    const key = newKey();
    const bytes = testBytes(50_000);
    await store.put(key, streamOf(bytes), { maxBytes: MiB });

    const url = await store.getDownloadUrl(key, 300);

    expect(url).toMatch(/X-Amz-Signature=[0-9a-f]{64}/);
    expect(url).toMatch(/X-Amz-Expires=300/);
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer()).equals(bytes)).toBe(true);

    const shortLived = await store.getDownloadUrl(key, 1);
    await new Promise(resolve => setTimeout(resolve, 2100));
    expect((await fetch(shortLived)).status).toBe(403);
  });

  it('refuses presigned URLs that S3 would not honour', async () => {
    for (const expiry of [0, 1.5, 7 * 24 * 3600 + 1]) {
      await expect(store.getDownloadUrl(newKey(), expiry)).rejects.toThrow(
        InputError,
      );
    }
  });

  it.each([
    '../outside',
    `models/${MODEL_ID}/versions/../../../outside/artifact`,
    `tmp/${MODEL_ID}`,
    '',
  ])('rejects the key %j, which artifactKey cannot produce', async key => {
    await expect(
      store.put(key, streamOf(testBytes(10)), { maxBytes: 10 }),
    ).rejects.toThrow(InputError);
    await expect(store.get(key)).rejects.toThrow(InputError);
    await expect(store.delete(key)).rejects.toThrow(InputError);
    await expect(store.getDownloadUrl(key, 60)).rejects.toThrow(InputError);
    expect(sent).toEqual([]);
  });

  it('works without a prefix', async () => {
    const bare = new S3ArtifactStore({ client: s3.client, bucket: BUCKET });
    const key = newKey();
    await bare.put(key, streamOf(testBytes(10)), { maxBytes: 10 });
    expect(await bucketKeys()).toEqual([key]);
    expect(bare.describe()).toBe('S3 bucket artifacts');
    expect(store.describe()).toBe('S3 bucket artifacts under registry/');
    expect(bare.uri(key)).toBe(`s3://artifacts/${key}`);
    expect(store.uri(key)).toBe(`s3://artifacts/registry/${key}`);
  });
});
