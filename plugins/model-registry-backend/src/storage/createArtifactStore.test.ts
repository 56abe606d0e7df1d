import {
  createMockDirectory,
  mockServices,
} from '@backstage/backend-test-utils';
import { randomUUID } from 'node:crypto';
import { artifactKey } from './ArtifactStore';
import { createArtifactStore } from './createArtifactStore';
import {
  S3RVER_CREDENTIALS,
  startS3Server,
  TestS3Server,
} from './__testUtils__/s3rver';
import { readAll, streamOf, testBytes } from './__testUtils__/streams';

jest.setTimeout(30_000);

const GiB = 1024 ** 3;

function configOf(storage: object) {
  return mockServices.rootConfig({ data: { modelRegistry: { storage } } });
}

describe('createArtifactStore', () => {
  const mockDir = createMockDirectory();
  const logger = mockServices.logger.mock();
  let s3: TestS3Server;

  beforeAll(async () => {
    s3 = await startS3Server({
      directory: mockDir.resolve('s3'),
      buckets: ['artifacts'],
    });
  });

  afterAll(() => s3.stop());

  beforeEach(() => {
    jest.clearAllMocks();
  });

  describe('filesystem', () => {
    it('defaults to model-registry-artifacts under the working directory', async () => {
      mockDir.addContent({ cwd: {} });
      const cwd = process.cwd();
      process.chdir(mockDir.resolve('cwd'));
      const store = await createArtifactStore(
        mockServices.rootConfig({ data: {} }),
        logger,
      ).finally(() => process.chdir(cwd));

      expect(store.describe()).toBe(
        `directory ${mockDir.resolve('cwd/model-registry-artifacts')}`,
      );
      expect(store.maxBytes).toBe(10 * GiB);
      expect(mockDir.content({ path: 'cwd' })).toEqual({
        'model-registry-artifacts': { tmp: {} },
      });
    });

    it('stores under the configured directory with the configured limit', async () => {
      const store = await createArtifactStore(
        configOf({
          type: 'filesystem',
          filesystem: { rootDir: mockDir.resolve('a/b') },
          maxArtifactBytes: 10,
        }),
        logger,
      );
      const key = artifactKey(randomUUID(), randomUUID());

      await store.put(key, streamOf(testBytes(10)), {
        maxBytes: store.maxBytes,
      });

      expect(store.maxBytes).toBe(10);
      expect(store.describe()).toBe(`directory ${mockDir.resolve('a/b')}`);
      expect(await readAll((await store.get(key)).body)).toEqual(testBytes(10));
    });

    it('names the key when the directory is not usable', async () => {
      mockDir.addContent({ file: 'x' });
      await expect(
        createArtifactStore(
          configOf({ filesystem: { rootDir: mockDir.resolve('file') } }),
          logger,
        ),
      ).rejects.toThrow(
        `modelRegistry.storage.filesystem.rootDir "${mockDir.resolve(
          'file',
        )}" is not a writable directory`,
      );
    });
  });

  describe('s3', () => {
    const s3Config = (overrides: object = {}) =>
      configOf({
        type: 's3',
        s3: {
          bucket: 'artifacts',
          endpoint: s3.endpoint,
          forcePathStyle: true,
          ...S3RVER_CREDENTIALS,
          ...overrides,
        },
      });

    it('stores in the configured bucket', async () => {
      const store = await createArtifactStore(
        s3Config({ prefix: '/model-registry/' }),
        logger,
      );
      const key = artifactKey(randomUUID(), randomUUID());

      await store.put(key, streamOf(testBytes(100)), {
        maxBytes: store.maxBytes,
      });

      expect(store.describe()).toBe(
        'S3 bucket artifacts under model-registry/',
      );
      expect(await readAll((await store.get(key)).body)).toEqual(
        testBytes(100),
      );
      await expect(store.getDownloadUrl(key, 60)).resolves.toContain(
        `${s3.endpoint}/artifacts/model-registry/${key}?`,
      );
      expect(logger.warn).not.toHaveBeenCalled();
    });

    it('stops when the bucket does not exist', async () => {
      await expect(
        createArtifactStore(s3Config({ bucket: 'missing' }), logger),
      ).rejects.toThrow(
        'modelRegistry.storage.s3.bucket "missing" does not exist',
      );
    });

    it('stops when the credentials are refused', async () => {
      await expect(
        createArtifactStore(s3Config({ accessKeyId: 'nobody' }), logger),
      ).rejects.toThrow(
        /modelRegistry.storage.s3.accessKeyId\/secretAccessKey .* may not access modelRegistry.storage.s3.bucket "artifacts"/,
      );
    });

    it('starts with a warning when S3 cannot be reached', async () => {
      const store = await createArtifactStore(
        s3Config({ endpoint: 'http://127.0.0.1:1' }),
        logger,
      );
      expect(store.describe()).toBe('S3 bucket artifacts');
      expect(logger.warn).toHaveBeenCalledWith(
        expect.stringContaining('Could not reach S3 bucket "artifacts"'),
      );
    });
  });

  it.each<[string, object, string | RegExp]>([
    [
      'an unknown type',
      { type: 'ftp' },
      'modelRegistry.storage.type must be "filesystem" or "s3", got "ftp"',
    ],
    [
      'an empty root directory',
      { filesystem: { rootDir: ' ' } },
      'modelRegistry.storage.filesystem.rootDir must not be empty',
    ],
    [
      'a zero limit',
      { maxArtifactBytes: 0 },
      'modelRegistry.storage.maxArtifactBytes must be a positive whole number of bytes',
    ],
    [
      'a fractional limit',
      { maxArtifactBytes: 1.5 },
      'modelRegistry.storage.maxArtifactBytes must be a positive whole number of bytes',
    ],
    [
      'a limit that is not a number',
      { maxArtifactBytes: 'lots' },
      /modelRegistry.storage.maxArtifactBytes/,
    ],
    [
      'a limit beyond the largest S3 object',
      { type: 's3', s3: { bucket: 'b' }, maxArtifactBytes: 6 * 1024 ** 4 },
      'modelRegistry.storage.maxArtifactBytes must be at most 5497558138880 (5 TiB, the largest S3 object)',
    ],
    [
      'a missing bucket',
      { type: 's3', s3: { region: 'eu-west-1' } },
      /modelRegistry.storage.s3.bucket/,
    ],
    [
      'an empty bucket',
      { type: 's3', s3: { bucket: '' } },
      /modelRegistry.storage.s3.bucket/,
    ],
    [
      'an empty region',
      { type: 's3', s3: { bucket: 'b', region: ' ' } },
      'modelRegistry.storage.s3.region must not be empty',
    ],
    [
      'an endpoint that is no URL',
      { type: 's3', s3: { bucket: 'b', endpoint: 'minio:9000' } },
      'modelRegistry.storage.s3.endpoint must be an http(s) URL, got "minio:9000"',
    ],
    [
      'an endpoint that is not http',
      { type: 's3', s3: { bucket: 'b', endpoint: 'ftp://minio' } },
      'modelRegistry.storage.s3.endpoint must be an http(s) URL, got "ftp://minio"',
    ],
    [
      'a path style that is no boolean',
      { type: 's3', s3: { bucket: 'b', forcePathStyle: 'sometimes' } },
      /modelRegistry.storage.s3.forcePathStyle/,
    ],
    [
      'an access key without its secret',
      { type: 's3', s3: { bucket: 'b', accessKeyId: 'id' } },
      'modelRegistry.storage.s3.secretAccessKey is required when the other S3 credential is set',
    ],
    [
      'a secret without its access key',
      { type: 's3', s3: { bucket: 'b', secretAccessKey: 'secret' } },
      'modelRegistry.storage.s3.accessKeyId is required when the other S3 credential is set',
    ],
    [
      'a prefix that climbs',
      { type: 's3', s3: { bucket: 'b', prefix: 'a/../b' } },
      'modelRegistry.storage.s3.prefix must not contain "." or ".." segments',
    ],
  ])('stops at startup on %s, naming the key', async (_, storage, message) => {
    await expect(
      createArtifactStore(configOf(storage), logger),
    ).rejects.toThrow(message);
  });
});
