import { createMockDirectory } from '@backstage/backend-test-utils';
import { InputError, NotFoundError } from '@backstage/errors';
import { Storage } from '@google-cloud/storage';
import { randomUUID } from 'node:crypto';
import {
  ArtifactStore,
  artifactKey,
  assertArtifactKey,
  assertUrlExpiry,
  isArtifactKey,
  isTemporaryKey,
  normalizeSha256,
  temporaryKey,
} from './ArtifactStore';
import { FilesystemArtifactStore } from './FilesystemArtifactStore';
import { GcsArtifactStore } from './GcsArtifactStore';
import { S3ArtifactStore } from './S3ArtifactStore';
import { startGcsServer } from './__testUtils__/gcsServer';
import { serviceAccountKey } from './__testUtils__/serviceAccountKey';
import { startS3Server } from './__testUtils__/s3rver';
import {
  failingStream,
  readAll,
  sha256,
  streamOf,
  testBytes,
} from './__testUtils__/streams';

jest.setTimeout(60_000);

const MODEL_ID = '0b7c5bd6-4d0f-4f38-9d43-6f0f0c1d2e3a';
const VERSION_ID = 'f1e2d3c4-b5a6-4978-8695-a4b3c2d1e0f9';

describe('artifactKey', () => {
  it('derives the key from the model and version ids', () => {
    expect(artifactKey(MODEL_ID, VERSION_ID)).toBe(
      `models/${MODEL_ID}/versions/${VERSION_ID}/artifact`,
    );
  });

  it('normalizes upper-case UUIDs so each version has one key', () => {
    expect(artifactKey(MODEL_ID.toUpperCase(), VERSION_ID)).toBe(
      artifactKey(MODEL_ID, VERSION_ID),
    );
  });

  it.each([
    ['fraud-detector', VERSION_ID],
    [MODEL_ID, '../../etc'],
    [MODEL_ID, ''],
    [`${MODEL_ID}/..`, VERSION_ID],
    [MODEL_ID, `${VERSION_ID}\n`],
  ])('refuses anything but UUIDs (%j, %j)', (modelId, versionId) => {
    expect(() => artifactKey(modelId, versionId)).toThrow(
      /Artifact key needs a UUID/,
    );
  });
});

describe('assertArtifactKey', () => {
  it('accepts derived keys only', () => {
    const key = artifactKey(MODEL_ID, VERSION_ID);
    expect(isArtifactKey(key)).toBe(true);
    expect(() => assertArtifactKey(key)).not.toThrow();
    for (const bad of [
      `${key}/..`,
      `/${key}`,
      `models/${MODEL_ID}/versions/../artifact`,
      key.toUpperCase(),
      `tmp/${VERSION_ID}`,
    ]) {
      expect(isArtifactKey(bad)).toBe(false);
      expect(() => assertArtifactKey(bad)).toThrow(InputError);
    }
  });
});

describe('normalizeSha256', () => {
  it('lower-cases hex digests and rejects anything else', () => {
    expect(normalizeSha256('AB'.repeat(32))).toBe('ab'.repeat(32));
    expect(() => normalizeSha256('ab')).toThrow(InputError);
    expect(() => normalizeSha256('zz'.repeat(32))).toThrow(InputError);
  });
});

describe('temporaryKey', () => {
  it('makes fresh tmp/ keys that are no artifact keys', () => {
    const [a, b] = [temporaryKey(), temporaryKey()];
    expect(a).not.toBe(b);
    expect(isTemporaryKey(a)).toBe(true);
    expect(isArtifactKey(a)).toBe(false);
    expect(isTemporaryKey(`${a}/..`)).toBe(false);
    expect(isTemporaryKey(artifactKey(MODEL_ID, VERSION_ID))).toBe(false);
  });
});

describe('assertUrlExpiry', () => {
  it('takes whole seconds from 1 to the maximum', () => {
    expect(() => assertUrlExpiry(1, 10)).not.toThrow();
    expect(() => assertUrlExpiry(10, 10)).not.toThrow();
    for (const bad of [0, 11, 1.5, NaN]) {
      expect(() => assertUrlExpiry(bad, 10)).toThrow(InputError);
    }
  });
});

/** A store under test and how to stop what it runs on. */
type Started = { store: ArtifactStore; stop: () => Promise<void> };

const mockDir = createMockDirectory();

// The contract of ArtifactStore, as its documentation states it, for every
// store: what callers (the version service, the cleaner) rely on.
describe.each<[string, boolean, () => Promise<Started>]>([
  [
    'filesystem',
    false,
    async () => ({
      store: await FilesystemArtifactStore.create({
        rootDir: mockDir.resolve('fs'),
      }),
      stop: async () => {},
    }),
  ],
  [
    's3',
    true,
    async () => {
      const s3 = await startS3Server({
        directory: mockDir.resolve('s3'),
        buckets: ['contract'],
      });
      return {
        store: new S3ArtifactStore({ client: s3.client, bucket: 'contract' }),
        stop: () => s3.stop(),
      };
    },
  ],
  [
    'gcs',
    true,
    async () => {
      const gcs = await startGcsServer({
        directory: mockDir.resolve('gcs'),
        buckets: ['contract'],
      });
      const { key: credentials, publicKey } = serviceAccountKey();
      gcs.trustServiceAccount(credentials.client_email, publicKey);
      return {
        store: new GcsArtifactStore({
          storage: new Storage({ apiEndpoint: gcs.endpoint, credentials }),
          bucket: 'contract',
          prefix: 'registry',
        }),
        stop: () => gcs.stop(),
      };
    },
  ],
])('the ArtifactStore contract: %s', (_, presigns, start) => {
  let started: Started;
  let store: ArtifactStore;
  const newKey = () => artifactKey(MODEL_ID, randomUUID());
  const listedKeys = async () => {
    const keys: string[] = [];
    for await (const { key } of store.list()) keys.push(key);
    return keys.sort();
  };

  beforeAll(async () => {
    started = await start();
    store = started.store;
  });

  afterAll(() => started.stop());

  it('streams back the bytes it stored, with their digest and size', async () => {
    const key = newKey();
    const bytes = testBytes(300_000, 7);

    const stored = await store.put(key, streamOf(bytes), {
      maxBytes: bytes.length,
      expectedSha256: sha256(bytes).toUpperCase(),
    });

    expect(stored).toEqual({ key, sha256: sha256(bytes), size: bytes.length });
    const { body, size } = await store.get(key);
    expect(size).toBe(bytes.length);
    expect((await readAll(body)).equals(bytes)).toBe(true);
  });

  it('refuses more than maxBytes, with its own error when given, storing nothing', async () => {
    const before = await listedKeys();
    const key = newKey();
    await expect(
      store.put(key, streamOf(testBytes(1000)), { maxBytes: 999 }),
    ).rejects.toThrow(
      new InputError('Artifact is larger than the limit of 999 bytes'),
    );
    const quota = new Error('over quota');
    await expect(
      store.put(key, streamOf(testBytes(1000)), {
        maxBytes: 10,
        tooLarge: () => quota,
      }),
    ).rejects.toBe(quota);
    await expect(store.get(key)).rejects.toThrow(NotFoundError);
    expect(await listedKeys()).toEqual(before);
  });

  it('refuses bytes that do not hash to the expected digest, storing nothing', async () => {
    const before = await listedKeys();
    const key = newKey();
    await expect(
      store.put(key, streamOf(testBytes(5000)), {
        maxBytes: 5000,
        expectedSha256: sha256(testBytes(5000, 2)),
      }),
    ).rejects.toThrow(InputError);
    await expect(store.get(key)).rejects.toThrow(NotFoundError);
    expect(await listedKeys()).toEqual(before);
  });

  it('stores nothing when the body fails', async () => {
    const before = await listedKeys();
    const key = newKey();
    await expect(
      store.put(key, failingStream(testBytes(200_000), 100_000), {
        maxBytes: 200_000,
      }),
    ).rejects.toThrow('connection reset by peer');
    await expect(store.get(key)).rejects.toThrow(NotFoundError);
    expect(await listedKeys()).toEqual(before);
  });

  it('lists what it stores, and delete removes it, twice over', async () => {
    const key = newKey();
    await store.put(key, streamOf(testBytes(10)), { maxBytes: 10 });

    const listed: { key: string; lastModified: Date }[] = [];
    for await (const entry of store.list()) listed.push(entry);
    const entry = listed.find(e => e.key === key);
    expect(Math.abs(Date.now() - entry!.lastModified.getTime())).toBeLessThan(
      60_000,
    );

    await store.delete(key);
    await store.delete(key);
    await expect(store.get(key)).rejects.toThrow(NotFoundError);
    expect(await listedKeys()).not.toContain(key);
  });

  it('refuses keys artifactKey cannot produce', async () => {
    for (const key of ['../x', `models/${MODEL_ID}/../artifact`, '']) {
      await expect(
        store.put(key, streamOf(testBytes(1)), { maxBytes: 1 }),
      ).rejects.toThrow(InputError);
      await expect(store.get(key)).rejects.toThrow(InputError);
      await expect(store.delete(key)).rejects.toThrow(InputError);
      await expect(store.getDownloadUrl(key, 60)).rejects.toThrow(InputError);
    }
  });

  it(`${
    presigns
      ? 'hands out a download URL that serves the bytes'
      : 'has no download URLs'
  }`, async () => {
    const key = newKey();
    const bytes = testBytes(4096, 3);
    await store.put(key, streamOf(bytes), { maxBytes: bytes.length });

    const url = await store.getDownloadUrl(key, 60);

    // Stores that cannot presign give none, and stream instead.
    const downloaded =
      url === undefined
        ? undefined
        : Buffer.from(await (await fetch(url)).arrayBuffer());
    expect(downloaded?.equals(bytes)).toBe(presigns ? true : undefined);
  });
});
