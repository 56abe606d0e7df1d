import { createMockDirectory } from '@backstage/backend-test-utils';
import { createHash } from 'node:crypto';
import request from 'supertest';
import { startRegistry } from '../__testUtils__/startRegistry';
import {
  S3RVER_CREDENTIALS,
  startS3Server,
  TestS3Server,
} from '../storage/__testUtils__/s3rver';

jest.setTimeout(60_000);

const base = '/api/model-registry';

describe('artifacts through the API on an S3-compatible store', () => {
  const dir = createMockDirectory();
  let s3: TestS3Server;

  beforeAll(async () => {
    s3 = await startS3Server({
      directory: dir.resolve('s3'),
      buckets: ['models'],
    });
  });
  afterAll(async () => {
    await s3.stop();
  });

  it('uploads through the registry and downloads via a presigned URL', async () => {
    const { server } = await startRegistry('SQLITE_3', {
      config: {
        storage: {
          type: 's3',
          s3: {
            bucket: 'models',
            endpoint: s3.endpoint,
            forcePathStyle: true,
            ...S3RVER_CREDENTIALS,
          },
        },
      },
    });
    await request(server)
      .post(`${base}/models`)
      .send({ name: 'on-s3', owner: 'group:default/data-science' })
      .expect(201);
    await request(server)
      .post(`${base}/models/on-s3/versions`)
      .send({ artifactFormat: 'onnx' })
      .expect(201);

    const bytes = Buffer.alloc(6 * 1024 * 1024, 7); // more than one part
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const uploaded = await request(server)
      .put(`${base}/models/on-s3/versions/1/artifact?sha256=${sha256}`)
      .set('Content-Type', 'application/octet-stream')
      .send(bytes)
      .expect(200);
    expect(uploaded.body).toMatchObject({
      status: 'READY',
      artifact: { sha256, size: bytes.length },
    });

    const download = await request(server)
      .get(`${base}/models/on-s3/versions/1/artifact`)
      .expect(302);
    const fetched = await fetch(download.headers.location);
    expect(fetched.status).toBe(200);
    expect(Buffer.from(await fetched.arrayBuffer()).equals(bytes)).toBe(true);
  });
});
