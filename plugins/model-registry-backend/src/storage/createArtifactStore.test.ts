import {
  createMockDirectory,
  mockServices,
} from '@backstage/backend-test-utils';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { artifactKey } from './ArtifactStore';
import { createArtifactStore } from './createArtifactStore';
import { startGcsServer, TestGcsServer } from './__testUtils__/gcsServer';
import { serviceAccountKey } from './__testUtils__/serviceAccountKey';
import {
  S3RVER_CREDENTIALS,
  startS3Server,
  TestS3Server,
} from './__testUtils__/s3rver';
import { readAll, streamOf, testBytes } from './__testUtils__/streams';

jest.setTimeout(30_000);

/**
 * Passes requests on to `target` and keeps the headers of its PUTs, to see
 * what an S3 client sends.
 */
async function startRecordingProxy(target: string) {
  const puts: http.IncomingHttpHeaders[] = [];
  const server = http.createServer((req, res) => {
    if (req.method === 'PUT') puts.push(req.headers);
    // Node answers `Expect: 100-continue` itself; the target need not.
    const { expect: _expect, ...headers } = req.headers;
    const forwarded = http.request(
      `${target}${req.url}`,
      { method: req.method, headers },
      answer => {
        res.writeHead(answer.statusCode!, answer.headers);
        answer.pipe(res);
      },
    );
    req.pipe(forwarded);
  });
  server.on('checkContinue', (req, res) => {
    res.writeContinue();
    server.emit('request', req, res);
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    uploadHeaders: () => puts,
    stop: () => new Promise(resolve => server.close(resolve)),
  };
}

const GiB = 1024 ** 3;

function configOf(storage: object) {
  return mockServices.rootConfig({ data: { modelRegistry: { storage } } });
}

describe('createArtifactStore', () => {
  const mockDir = createMockDirectory();
  const logger = mockServices.logger.mock();
  let s3: TestS3Server;
  let gcs: TestGcsServer;

  beforeAll(async () => {
    s3 = await startS3Server({
      directory: mockDir.resolve('s3'),
      buckets: ['artifacts'],
    });
    gcs = await startGcsServer({
      directory: mockDir.resolve('gcs'),
      buckets: ['model-artifacts'],
    });
  });

  afterAll(async () => {
    await s3.stop();
    await gcs.stop();
  });

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

  describe('s3 on Cloud Storage XML API settings', () => {
    let proxy: Awaited<ReturnType<typeof startRecordingProxy>>;
    beforeAll(async () => {
      proxy = await startRecordingProxy(s3.endpoint);
    });
    afterAll(() => proxy.stop());

    it('sends no checksum headers with WHEN_REQUIRED, as Cloud Storage needs', async () => {
      const store = await createArtifactStore(
        configOf({
          type: 's3',
          s3: {
            bucket: 'artifacts',
            // What the README shows for storage.googleapis.com, with the
            // HMAC key replaced by the local server's.
            region: 'auto',
            endpoint: proxy.endpoint,
            forcePathStyle: true,
            checksumCalculation: 'WHEN_REQUIRED',
            ...S3RVER_CREDENTIALS,
          },
        }),
        logger,
      );
      const key = artifactKey(randomUUID(), randomUUID());
      const bytes = testBytes(12 * 1024 * 1024);
      await store.put(key, streamOf(bytes), { maxBytes: store.maxBytes });

      const headers = proxy.uploadHeaders();
      // A part upload of the multipart upload, and no header Cloud Storage
      // refuses.
      expect(headers.length).toBeGreaterThan(1);
      expect(
        headers
          .flatMap(h => Object.keys(h))
          .filter(h => /checksum|trailer/.test(h)),
      ).toEqual([]);
      expect(headers.map(h => h['content-encoding'])).not.toContain(
        'aws-chunked',
      );
      expect((await readAll((await store.get(key)).body)).equals(bytes)).toBe(
        true,
      );
      const url = (await store.getDownloadUrl(key, 60))!;
      const downloaded = Buffer.from(await (await fetch(url)).arrayBuffer());
      expect(downloaded.equals(bytes)).toBe(true);
    });
  });

  describe('gcs', () => {
    const gcsConfig = (overrides: object = {}) =>
      configOf({
        type: 'gcs',
        gcs: {
          bucket: 'model-artifacts',
          apiEndpoint: gcs.endpoint,
          projectId: 'ml-platform',
          ...overrides,
        },
      });

    it('stores in the configured bucket and signs downloads with the key file', async () => {
      const { key: credentials, publicKey } = serviceAccountKey();
      gcs.trustServiceAccount(credentials.client_email, publicKey);
      mockDir.addContent({ 'sa.json': JSON.stringify(credentials) });
      const store = await createArtifactStore(
        gcsConfig({
          prefix: '/model-registry/',
          keyFilename: mockDir.resolve('sa.json'),
        }),
        logger,
      );
      const key = artifactKey(randomUUID(), randomUUID());

      await store.put(key, streamOf(testBytes(100)), {
        maxBytes: store.maxBytes,
      });

      expect(store.describe()).toBe(
        'Cloud Storage bucket gs://model-artifacts under model-registry/',
      );
      expect(gcs.objectNames('model-artifacts')).toContain(
        `model-registry/${key}`,
      );
      expect(await readAll((await store.get(key)).body)).toEqual(
        testBytes(100),
      );
      const url = await store.getDownloadUrl(key, 60);
      expect(url).toContain(
        `${gcs.endpoint}/model-artifacts/model-registry/${key}?`,
      );
      expect(Buffer.from(await (await fetch(url!)).arrayBuffer())).toEqual(
        testBytes(100),
      );
      expect(logger.warn).not.toHaveBeenCalled();
    });

    it('takes a key given inline, with escaped newlines', async () => {
      const { key: credentials, publicKey } = serviceAccountKey();
      gcs.trustServiceAccount(credentials.client_email, publicKey);
      const store = await createArtifactStore(
        gcsConfig({
          credentials: {
            clientEmail: credentials.client_email,
            privateKey: credentials.private_key.replace(/\n/g, '\\n'),
          },
        }),
        logger,
      );
      const key = artifactKey(randomUUID(), randomUUID());
      await store.put(key, streamOf(testBytes(10)), { maxBytes: 10 });
      const response = await fetch((await store.getDownloadUrl(key, 60))!);
      expect(response.status).toBe(200);
    });

    it('finds a key file through GOOGLE_APPLICATION_CREDENTIALS', async () => {
      const { key: credentials, publicKey } = serviceAccountKey();
      gcs.trustServiceAccount(credentials.client_email, publicKey);
      mockDir.addContent({ 'adc.json': JSON.stringify(credentials) });
      const previous = process.env.GOOGLE_APPLICATION_CREDENTIALS;
      process.env.GOOGLE_APPLICATION_CREDENTIALS = mockDir.resolve('adc.json');
      try {
        const store = await createArtifactStore(gcsConfig(), logger);
        const key = artifactKey(randomUUID(), randomUUID());
        await store.put(key, streamOf(testBytes(10)), { maxBytes: 10 });
        const url = await store.getDownloadUrl(key, 60);
        expect(new URL(url!).searchParams.get('X-Goog-Credential')).toMatch(
          /^model-registry@ml-platform\.iam\.gserviceaccount\.com\//,
        );
        expect((await fetch(url!)).status).toBe(200);
      } finally {
        if (previous === undefined) {
          delete process.env.GOOGLE_APPLICATION_CREDENTIALS;
        } else {
          process.env.GOOGLE_APPLICATION_CREDENTIALS = previous;
        }
      }
    });

    it('stops when the bucket does not exist', async () => {
      await expect(
        createArtifactStore(gcsConfig({ bucket: 'missing' }), logger),
      ).rejects.toThrow(
        'modelRegistry.storage.gcs.bucket "missing" does not exist',
      );
    });

    it('stops when a key file cannot be read', async () => {
      const path = mockDir.resolve('nowhere.json');
      await expect(
        createArtifactStore(gcsConfig({ keyFilename: path }), logger),
      ).rejects.toThrow(
        `modelRegistry.storage.gcs.keyFilename "${path}" is not a readable JSON key file`,
      );
      mockDir.addContent({ 'plain.json': '{"hello": "world"}' });
      await expect(
        createArtifactStore(
          gcsConfig({ keyFilename: mockDir.resolve('plain.json') }),
          logger,
        ),
      ).rejects.toThrow(/is no Google credentials file/);
    });
  });

  it.each<[string, object, string | RegExp]>([
    [
      'an unknown type',
      { type: 'ftp' },
      'modelRegistry.storage.type must be "filesystem", "s3" or "gcs", got "ftp"',
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
    [
      'an unknown checksum setting',
      { type: 's3', s3: { bucket: 'b', checksumCalculation: 'NEVER' } },
      'modelRegistry.storage.s3.checksumCalculation must be "WHEN_SUPPORTED" or "WHEN_REQUIRED", got "NEVER"',
    ],
    [
      'a limit beyond the largest Cloud Storage object',
      { type: 'gcs', gcs: { bucket: 'b' }, maxArtifactBytes: 6 * 1024 ** 4 },
      'modelRegistry.storage.maxArtifactBytes must be at most 5497558138880 (5 TiB, the largest Cloud Storage object)',
    ],
    [
      'no gcs bucket',
      { type: 'gcs', gcs: { projectId: 'p' } },
      /modelRegistry.storage.gcs.bucket/,
    ],
    [
      'a gs:// URI for the bucket',
      { type: 'gcs', gcs: { bucket: 'gs://models' } },
      'modelRegistry.storage.gcs.bucket must be a Cloud Storage bucket name (lowercase letters, digits, "-", "_" and ".", without gs://), got "gs://models"',
    ],
    [
      'a bucket name with capitals',
      { type: 'gcs', gcs: { bucket: 'Models' } },
      /modelRegistry.storage.gcs.bucket must be a Cloud Storage bucket name/,
    ],
    [
      'an empty project',
      { type: 'gcs', gcs: { bucket: 'models', projectId: '' } },
      /modelRegistry.storage.gcs.projectId/,
    ],
    [
      'an apiEndpoint that is no URL',
      { type: 'gcs', gcs: { bucket: 'models', apiEndpoint: 'localhost:4443' } },
      'modelRegistry.storage.gcs.apiEndpoint must be an http(s) URL, got "localhost:4443"',
    ],
    [
      'a gcs prefix that climbs',
      { type: 'gcs', gcs: { bucket: 'models', prefix: '../x' } },
      'modelRegistry.storage.gcs.prefix must not contain "." or ".." segments',
    ],
    [
      'a key file and an inline key at once',
      {
        type: 'gcs',
        gcs: {
          bucket: 'models',
          keyFilename: 'sa.json',
          credentials: { clientEmail: 'a@b', privateKey: 'k' },
        },
      },
      'modelRegistry.storage.gcs.keyFilename and modelRegistry.storage.gcs.credentials are alternatives; set one',
    ],
    [
      'an inline key without its private key',
      {
        type: 'gcs',
        gcs: { bucket: 'models', credentials: { clientEmail: 'a@b' } },
      },
      /modelRegistry.storage.gcs.credentials.privateKey/,
    ],
    [
      'a flag that is no boolean',
      {
        type: 'gcs',
        gcs: { bucket: 'models', useAuthWithCustomEndpoint: 'sometimes' },
      },
      /modelRegistry.storage.gcs.useAuthWithCustomEndpoint/,
    ],
  ])('stops at startup on %s, naming the key', async (_, storage, message) => {
    await expect(
      createArtifactStore(configOf(storage), logger),
    ).rejects.toThrow(message);
  });
});
