import { createMockDirectory } from '@backstage/backend-test-utils';
import { InputError, NotFoundError } from '@backstage/errors';
import { randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { artifactKey } from './ArtifactStore';
import { FilesystemArtifactStore } from './FilesystemArtifactStore';
import {
  abortedStream,
  failingStream,
  readAll,
  sha256,
  streamOf,
  testBytes,
} from './__testUtils__/streams';

const MODEL_ID = '0b7c5bd6-4d0f-4f38-9d43-6f0f0c1d2e3a';
const VERSION_ID = 'f1e2d3c4-b5a6-4978-8695-a4b3c2d1e0f9';
const KEY = artifactKey(MODEL_ID, VERSION_ID);
const MiB = 1024 * 1024;

describe('FilesystemArtifactStore', () => {
  const mockDir = createMockDirectory();
  let store: FilesystemArtifactStore;

  beforeEach(async () => {
    mockDir.clear();
    store = await FilesystemArtifactStore.create({
      rootDir: mockDir.resolve('store'),
    });
  });

  /** The store's whole tree, so that any leftover shows up. */
  const tree = () => mockDir.content({ path: 'store' });

  it('stores an artifact and streams it back', async () => {
    const bytes = testBytes(3 * MiB + 17);

    const stored = await store.put(KEY, streamOf(bytes), { maxBytes: 4 * MiB });

    expect(stored).toEqual({
      key: KEY,
      sha256: sha256(bytes),
      size: bytes.length,
    });
    const { body, size } = await store.get(KEY);
    expect(size).toBe(bytes.length);
    expect((await readAll(body)).equals(bytes)).toBe(true);
    expect(tree()).toEqual({
      tmp: {},
      models: {
        [MODEL_ID]: {
          versions: { [VERSION_ID]: { artifact: expect.anything() } },
        },
      },
    });
  });

  it('stores an empty artifact', async () => {
    const stored = await store.put(KEY, streamOf(Buffer.alloc(0)), {
      maxBytes: 0,
    });
    expect(stored.size).toBe(0);
    expect(stored.sha256).toBe(sha256(Buffer.alloc(0)));
  });

  it('accepts a matching expected digest in either case', async () => {
    const bytes = testBytes(1000);
    await expect(
      store.put(KEY, streamOf(bytes), {
        maxBytes: 1000,
        expectedSha256: sha256(bytes).toUpperCase(),
      }),
    ).resolves.toMatchObject({ sha256: sha256(bytes) });
  });

  it('rejects an artifact over the size limit and leaves nothing behind', async () => {
    await expect(
      store.put(KEY, streamOf(testBytes(2 * MiB)), { maxBytes: MiB }),
    ).rejects.toThrow(
      new InputError(`Artifact is larger than the limit of ${MiB} bytes`),
    );
    expect(tree()).toEqual({ tmp: {} });
  });

  it('refuses before writing when the announced size would eat into the free space reserve', async () => {
    const free = await store.freeBytes();
    const reserving = await FilesystemArtifactStore.create({
      rootDir: mockDir.resolve('store'),
      reserveBytes: free - 64 * MiB,
    });
    const refused = reserving.put(KEY, streamOf(testBytes(MiB)), {
      maxBytes: 1024 * MiB,
      declaredBytes: 512 * MiB,
    });
    await expect(refused).rejects.toMatchObject({
      statusCode: 507,
      message: expect.stringMatching(
        /^Not enough free space for the artifact: \d+ bytes free on the store's volume, 536870912 more bytes announced/,
      ),
    });
    expect(tree()).toEqual({ tmp: {} });
  });

  it("stops an upload once the volume's free space falls below the reserve while it runs", async () => {
    const free = await store.freeBytes();
    // 8 MiB to spare, then an upload of 48 MiB that takes over a second.
    const reserving = await FilesystemArtifactStore.create({
      rootDir: mockDir.resolve('store'),
      reserveBytes: free - 8 * MiB,
    });
    const body = new PassThrough();
    const chunk = testBytes(MiB);
    let sent = 0;
    const timer = setInterval(() => {
      if (sent++ < 48) body.write(chunk);
      else body.end();
    }, 30);
    try {
      await expect(
        reserving.put(KEY, body, { maxBytes: 1024 * MiB }),
      ).rejects.toMatchObject({ statusCode: 507 });
    } finally {
      clearInterval(timer);
    }
    expect(sent).toBeLessThan(48);
    expect(tree()).toEqual({ tmp: {} });
  });

  it('rejects a digest mismatch and leaves nothing behind', async () => {
    const bytes = testBytes(MiB);
    const wrong = sha256(Buffer.from('something else'));
    await expect(
      store.put(KEY, streamOf(bytes), { maxBytes: MiB, expectedSha256: wrong }),
    ).rejects.toThrow(
      new InputError(`Artifact sha256 is ${sha256(bytes)}, expected ${wrong}`),
    );
    expect(tree()).toEqual({ tmp: {} });
  });

  it('rejects a malformed expected digest before writing', async () => {
    await expect(
      store.put(KEY, streamOf(testBytes(10)), {
        maxBytes: 10,
        expectedSha256: 'abc',
      }),
    ).rejects.toThrow(InputError);
    expect(tree()).toEqual({ tmp: {} });
  });

  it('leaves nothing behind when the body fails', async () => {
    const bytes = testBytes(2 * MiB);
    await expect(
      store.put(KEY, failingStream(bytes, MiB), { maxBytes: 2 * MiB }),
    ).rejects.toThrow('connection reset by peer');
    expect(tree()).toEqual({ tmp: {} });
  });

  it('leaves nothing behind when the body is aborted', async () => {
    const bytes = testBytes(2 * MiB);
    await expect(
      store.put(KEY, abortedStream(bytes, MiB), { maxBytes: 2 * MiB }),
    ).rejects.toThrow('Premature close');
    expect(tree()).toEqual({ tmp: {} });
  });

  it('shows nothing at the key until the upload is complete', async () => {
    const bytes = testBytes(2 * MiB);
    const body = new PassThrough();
    const putting = store.put(KEY, body, { maxBytes: 2 * MiB });

    body.write(bytes.subarray(0, MiB));
    await new Promise(resolve => setTimeout(resolve, 50));
    await expect(store.get(KEY)).rejects.toThrow(NotFoundError);
    const listed = await collect(store.list());
    expect(listed.map(entry => entry.key)).toEqual([
      expect.stringMatching(/^tmp\//),
    ]);

    body.end(bytes.subarray(MiB));
    await putting;
    expect((await readAll((await store.get(KEY)).body)).equals(bytes)).toBe(
      true,
    );
  });

  it('replaces an artifact as a whole', async () => {
    await store.put(KEY, streamOf(testBytes(100, 1)), { maxBytes: 100 });
    const { body: oldBody } = await store.get(KEY);

    const replacement = testBytes(100, 2);
    await store.put(KEY, streamOf(replacement), { maxBytes: 100 });

    // A reader that opened the old file still reads the old file.
    expect((await readAll(oldBody)).equals(testBytes(100, 1))).toBe(true);
    const { body } = await store.get(KEY);
    expect((await readAll(body)).equals(replacement)).toBe(true);
  });

  it('answers NotFoundError for a missing artifact', async () => {
    await expect(store.get(KEY)).rejects.toThrow(NotFoundError);
  });

  it('deletes idempotently, with the version directory', async () => {
    await store.put(KEY, streamOf(testBytes(10)), { maxBytes: 10 });

    await store.delete(KEY);
    await store.delete(KEY);

    await expect(store.get(KEY)).rejects.toThrow(NotFoundError);
    expect(tree()).toEqual({
      tmp: {},
      models: { [MODEL_ID]: { versions: {} } },
    });
  });

  it('lists artifacts and leftovers of interrupted uploads, nothing else', async () => {
    const otherKey = artifactKey(MODEL_ID, randomUUID());
    await store.put(KEY, streamOf(testBytes(10)), { maxBytes: 10 });
    await store.put(otherKey, streamOf(testBytes(10)), { maxBytes: 10 });
    const leftover = `tmp/${randomUUID()}`;
    mockDir.addContent({
      [`store/${leftover}`]: 'half an upload',
      'store/README': 'not an artifact',
      'store/models/not-a-uuid/versions/x/artifact': 'not ours',
      [`store/models/${MODEL_ID}/versions/${VERSION_ID}/notes`]: 'not ours',
    });

    const listed = await collect(store.list());

    expect(listed.map(entry => entry.key).sort()).toEqual(
      [KEY, otherKey, leftover].sort(),
    );
    for (const entry of listed) {
      expect(Date.now() - entry.lastModified.getTime()).toBeLessThan(60_000);
    }

    await store.delete(leftover);
    expect(mockDir.content({ path: 'store/tmp' })).toEqual({});
  });

  it('has no download URLs', async () => {
    await expect(store.getDownloadUrl(KEY, 60)).resolves.toBeUndefined();
  });

  it.each([
    '../outside',
    '/etc/passwd',
    `models/${MODEL_ID}/versions/../../../../outside/artifact`,
    `models/${MODEL_ID}/versions/${VERSION_ID}/artifact/../../../../../../outside`,
    `models/../../outside/versions/${VERSION_ID}/artifact`,
    `models/${MODEL_ID}/versions/${VERSION_ID}/artifact\0`,
    'models/%2e%2e/versions/%2e%2e/artifact',
    '',
  ])('rejects the key %j, which artifactKey cannot produce', async key => {
    await expect(
      store.put(key, streamOf(testBytes(10)), { maxBytes: 10 }),
    ).rejects.toThrow(InputError);
    await expect(store.get(key)).rejects.toThrow(InputError);
    await expect(store.getDownloadUrl(key, 60)).rejects.toThrow(InputError);
    await expect(store.delete(key)).rejects.toThrow(InputError);
    expect(mockDir.content()).toEqual({ store: { tmp: {} } });
  });

  it('takes temporary keys for deletion only', async () => {
    const key = `tmp/${VERSION_ID}`;
    await expect(
      store.put(key, streamOf(testBytes(10)), { maxBytes: 10 }),
    ).rejects.toThrow(InputError);
    await expect(store.get(key)).rejects.toThrow(InputError);
    await expect(store.getDownloadUrl(key, 60)).rejects.toThrow(InputError);
    await expect(store.delete(key)).resolves.toBeUndefined();
  });

  it('refuses a root that is not a directory', async () => {
    mockDir.setContent({ file: 'x' });
    await expect(
      FilesystemArtifactStore.create({ rootDir: mockDir.resolve('file') }),
    ).rejects.toThrow(/EEXIST|ENOTDIR/);
  });
});

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const result: T[] = [];
  for await (const item of items) {
    result.push(item);
  }
  return result;
}
