import {
  createMockDirectory,
  mockServices,
} from '@backstage/backend-test-utils';
import { InputError, NotFoundError } from '@backstage/errors';
import { Storage } from '@google-cloud/storage';
import { randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { artifactKey } from './ArtifactStore';
import { GcsArtifactStore } from './GcsArtifactStore';
import { startGcsServer, TestGcsServer } from './__testUtils__/gcsServer';
import { serviceAccountKey } from './__testUtils__/serviceAccountKey';
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
const CHUNK = 4 * MiB;

describe('GcsArtifactStore', () => {
  const mockDir = createMockDirectory();
  let gcs: TestGcsServer;
  let storage: Storage;
  let store: GcsArtifactStore;

  beforeAll(async () => {
    gcs = await startGcsServer({
      directory: mockDir.resolve('gcs'),
      buckets: [BUCKET],
    });
    storage = new Storage({ apiEndpoint: gcs.endpoint, projectId: 'test' });
    store = new GcsArtifactStore({
      storage,
      bucket: BUCKET,
      prefix: PREFIX,
      chunkSize: CHUNK,
    });
  });

  afterAll(() => gcs.stop());

  beforeEach(async () => {
    for (const name of gcs.objectNames(BUCKET)) {
      await storage.bucket(BUCKET).file(name).delete();
    }
    gcs.requests.length = 0;
  });

  const newKey = () => artifactKey(MODEL_ID, randomUUID());
  const chunkPuts = () =>
    gcs.requests.filter(
      r => r.method === 'PUT' && r.path.startsWith('/upload'),
    );

  it('streams a large artifact in chunks through a temporary object', async () => {
    const key = newKey();
    const bytes = testBytes(3 * CHUNK + 12345);

    const stored = await store.put(key, streamOf(bytes), {
      maxBytes: 100 * MiB,
      expectedSha256: sha256(bytes),
    });

    expect(stored).toEqual({ key, sha256: sha256(bytes), size: bytes.length });
    expect(chunkPuts().map(r => [r.contentRange, r.status])).toEqual([
      [`bytes 0-${CHUNK - 1}/*`, 308],
      [`bytes ${CHUNK}-${2 * CHUNK - 1}/*`, 308],
      [`bytes ${2 * CHUNK}-${3 * CHUNK - 1}/*`, 308],
      [`bytes ${3 * CHUNK}-${bytes.length - 1}/${bytes.length}`, 200],
    ]);
    const started = gcs.requests.find(r => r.method === 'POST');
    expect(started?.query).toMatchObject({
      uploadType: 'resumable',
      ifGenerationMatch: '0',
      name: expect.stringMatching(new RegExp(`^${PREFIX}/tmp/[0-9a-f-]{36}$`)),
    });
    expect(
      gcs.requests.some(
        r => r.method === 'POST' && r.path.includes('/rewriteTo/'),
      ),
    ).toBe(true);
    expect(gcs.objectNames(BUCKET)).toEqual([`${PREFIX}/${key}`]);
    const { body, size } = await store.get(key);
    expect(size).toBe(bytes.length);
    expect((await readAll(body)).equals(bytes)).toBe(true);
  });

  it('stores an empty artifact', async () => {
    const key = newKey();
    const stored = await store.put(key, streamOf(Buffer.alloc(0)), {
      maxBytes: 10,
    });
    expect(stored.size).toBe(0);
    expect(gcs.objectNames(BUCKET)).toEqual([`${PREFIX}/${key}`]);
    expect((await readAll((await store.get(key)).body)).length).toBe(0);
  });

  it('rejects an artifact over the size limit without creating any object', async () => {
    await expect(
      store.put(newKey(), streamOf(testBytes(3 * CHUNK)), {
        maxBytes: 2 * CHUNK + 1,
      }),
    ).rejects.toThrow(
      new InputError(
        `Artifact is larger than the limit of ${2 * CHUNK + 1} bytes`,
      ),
    );
    expect(chunkPuts().length).toBeGreaterThan(0);
    expect(chunkPuts().some(r => r.status === 200)).toBe(false);
    expect(gcs.objectNames(BUCKET)).toEqual([]);
  });

  it('rejects a digest mismatch before the last chunk is sent', async () => {
    const bytes = testBytes(2 * CHUNK + 100);
    const wrong = sha256(Buffer.from('something else'));
    await expect(
      store.put(newKey(), streamOf(bytes), {
        maxBytes: 100 * MiB,
        expectedSha256: wrong,
      }),
    ).rejects.toThrow(
      new InputError(`Artifact sha256 is ${sha256(bytes)}, expected ${wrong}`),
    );
    expect(chunkPuts().length).toBeGreaterThan(0);
    expect(chunkPuts().some(r => r.status === 200)).toBe(false);
    expect(gcs.objectNames(BUCKET)).toEqual([]);
  });

  it('leaves nothing behind when the body fails mid-upload', async () => {
    await expect(
      store.put(newKey(), failingStream(testBytes(3 * CHUNK), 2 * CHUNK + 5), {
        maxBytes: 100 * MiB,
      }),
    ).rejects.toThrow('connection reset by peer');
    expect(gcs.objectNames(BUCKET)).toEqual([]);
  });

  it('leaves nothing behind when the body is aborted', async () => {
    await expect(
      store.put(newKey(), abortedStream(testBytes(CHUNK + 10), CHUNK + 10), {
        maxBytes: 100 * MiB,
      }),
    ).rejects.toThrow('Premature close');
    expect(gcs.objectNames(BUCKET)).toEqual([]);
  });

  it('shows nothing at the key until the upload is complete', async () => {
    const key = newKey();
    const bytes = testBytes(2 * CHUNK + 7);
    const body = new PassThrough();
    const putting = store.put(key, body, { maxBytes: 100 * MiB });

    body.write(bytes.subarray(0, CHUNK + 1));
    while (!chunkPuts().some(r => r.status === 308)) {
      await new Promise(resolve => setTimeout(resolve, 20));
    }
    await expect(store.get(key)).rejects.toThrow(NotFoundError);
    expect(gcs.objectNames(BUCKET)).toEqual([]);

    body.end(bytes.subarray(CHUNK + 1));
    await putting;
    expect(sha256(await readAll((await store.get(key)).body))).toBe(
      sha256(bytes),
    );
  });

  it('lists artifacts and temporary objects under the prefix, nothing else', async () => {
    const keys = [newKey(), newKey()];
    for (const key of keys) {
      await store.put(key, streamOf(testBytes(10)), { maxBytes: 10 });
    }
    const temp = `tmp/${randomUUID()}`;
    for (const name of [
      `${PREFIX}/${temp}`,
      `${PREFIX}/models/notes.txt`,
      `${PREFIX}/tmp/not-a-uuid`,
      `other/${keys[0]}`,
      keys[1],
    ]) {
      await storage.bucket(BUCKET).file(name).save('not ours');
    }
    gcs.age(BUCKET, `${PREFIX}/${keys[0]}`, 3_600_000);

    const listed: { key: string; lastModified: Date }[] = [];
    for await (const entry of store.list()) listed.push(entry);

    expect(listed.map(entry => entry.key).sort()).toEqual(
      [...keys, temp].sort(),
    );
    const aged = listed.find(entry => entry.key === keys[0])!;
    expect(Date.now() - aged.lastModified.getTime()).toBeGreaterThan(3_590_000);

    await store.delete(temp);
    expect(gcs.objectNames(BUCKET)).not.toContain(`${PREFIX}/${temp}`);
  });

  describe('download URLs', () => {
    it('signs V4 URLs with a service-account key, which the server honours', async () => {
      const { key: credentials, publicKey } = serviceAccountKey();
      gcs.trustServiceAccount(credentials.client_email, publicKey);
      const signing = new GcsArtifactStore({
        storage: new Storage({ apiEndpoint: gcs.endpoint, credentials }),
        bucket: BUCKET,
        prefix: PREFIX,
      });
      const key = newKey();
      const bytes = testBytes(50_000);
      await signing.put(key, streamOf(bytes), { maxBytes: MiB });

      const url = (await signing.getDownloadUrl(key, 300))!;

      expect(
        url.startsWith(`${gcs.endpoint}/${BUCKET}/${PREFIX}/${key}?`),
      ).toBe(true);
      const query = new URL(url).searchParams;
      expect(query.get('X-Goog-Algorithm')).toBe('GOOG4-RSA-SHA256');
      expect(query.get('X-Goog-Expires')).toBe('300');
      expect(query.get('X-Goog-Credential')).toMatch(
        /^model-registry@ml-platform\.iam\.gserviceaccount\.com\/\d{8}\/auto\/storage\/goog4_request$/,
      );
      const response = await fetch(url);
      expect(response.status).toBe(200);
      expect(Buffer.from(await response.arrayBuffer()).equals(bytes)).toBe(
        true,
      );

      // A signature that does not match is refused in Google's XML format.
      const tampered = url.replace(/X-Goog-Expires=300/, 'X-Goog-Expires=301');
      const refused = await fetch(tampered);
      expect(refused.status).toBe(403);
      expect(await refused.text()).toContain(
        '<Code>SignatureDoesNotMatch</Code>',
      );
    });

    it('refuses URLs whose lifetime V4 signatures cannot have', async () => {
      for (const expiry of [0, 1.5, 7 * 24 * 3600 + 1]) {
        await expect(store.getDownloadUrl(newKey(), expiry)).rejects.toThrow(
          InputError,
        );
      }
    });

    it('streams downloads when the credentials cannot sign, and says so once', async () => {
      const logger = mockServices.logger.mock();
      const unsigned = new GcsArtifactStore({
        // No key, and no Application Default Credentials on a test machine.
        storage: new Storage({
          apiEndpoint: gcs.endpoint,
          keyFilename: mockDir.resolve('missing.json'),
        }),
        bucket: BUCKET,
        logger,
      });
      await expect(
        unsigned.getDownloadUrl(newKey(), 60),
      ).resolves.toBeUndefined();
      await expect(
        unsigned.getDownloadUrl(newKey(), 60),
      ).resolves.toBeUndefined();
      expect(logger.warn).toHaveBeenCalledTimes(1);
      expect(logger.warn).toHaveBeenCalledWith(
        expect.stringContaining('Cannot sign Cloud Storage download URLs'),
      );
    });
  });

  it("gets errors in Google's format from the server, as the client library reads them", async () => {
    const file = storage.bucket(BUCKET).file('precondition');
    await file.save('first');
    await expect(file.delete({ ifGenerationMatch: 1 })).rejects.toMatchObject({
      code: 412,
      message: 'At least one of the pre-conditions you specified did not hold.',
    });
    await expect(
      storage.bucket('no-such-bucket').file('x').getMetadata(),
    ).rejects.toMatchObject({
      code: 404,
      message: 'The specified bucket does not exist.',
      errors: [expect.objectContaining({ reason: 'notFound' })],
    });
  });

  it.each([
    '../outside',
    `models/${MODEL_ID}/versions/../../../outside/artifact`,
    `tmp/${MODEL_ID}/..`,
    '',
  ])('rejects the key %j, which artifactKey cannot produce', async key => {
    await expect(
      store.put(key, streamOf(testBytes(10)), { maxBytes: 10 }),
    ).rejects.toThrow(InputError);
    await expect(store.get(key)).rejects.toThrow(InputError);
    await expect(store.delete(key)).rejects.toThrow(InputError);
    await expect(store.getDownloadUrl(key, 60)).rejects.toThrow(InputError);
    expect(gcs.requests).toEqual([]);
  });

  it('names its bucket, prefix and the gs:// URIs of its objects', () => {
    const key = newKey();
    expect(store.describe()).toBe(
      'Cloud Storage bucket gs://artifacts under registry/',
    );
    expect(store.uri(key)).toBe(`gs://artifacts/registry/${key}`);
    const bare = new GcsArtifactStore({ storage, bucket: BUCKET });
    expect(bare.describe()).toBe('Cloud Storage bucket gs://artifacts');
    expect(bare.uri(key)).toBe(`gs://artifacts/${key}`);
  });
});
