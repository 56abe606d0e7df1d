import {
  createMockDirectory,
  mockServices,
} from '@backstage/backend-test-utils';
import { Storage } from '@google-cloud/storage';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import request from 'supertest';
import { RegistryDatabase } from '../database/RegistryDatabase';
import { ArtifactCleaner } from '../service/ArtifactCleaner';
import { startRegistry } from '../__testUtils__/startRegistry';
import { artifactKey } from './ArtifactStore';
import { crc32cGenerator } from './crc32c';
import { GcsArtifactStore } from './GcsArtifactStore';
import { startGcsServer, TestGcsServer } from './__testUtils__/gcsServer';
import { serviceAccountKey } from './__testUtils__/serviceAccountKey';
import { sha256, testBytes } from './__testUtils__/streams';

jest.setTimeout(60_000);

const base = '/api/model-registry';
const BUCKET = 'ml-artifacts';
const PREFIX = 'registry';
const MiB = 1024 * 1024;

/** Announces `total` bytes, sends `sent`, then drops the connection. */
async function killedUpload(server: http.Server, path: string, sent: number) {
  const { port } = server.address() as AddressInfo;
  await new Promise<void>(resolve => {
    const req = http.request({
      host: '127.0.0.1',
      port,
      method: 'PUT',
      path,
      headers: {
        'Content-Type': 'application/octet-stream',
        'Content-Length': String(sent * 2),
        Authorization: 'Bearer mock-user-token',
      },
    });
    req.on('error', () => resolve());
    req.write(testBytes(sent, 5), () => {
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 500);
    });
  });
}

describe('the registry on Cloud Storage', () => {
  const mockDir = createMockDirectory();
  let gcs: TestGcsServer;

  beforeAll(async () => {
    gcs = await startGcsServer({
      directory: mockDir.resolve('gcs'),
      buckets: [BUCKET],
    });
  });

  afterAll(() => gcs.stop());

  it('uploads, reports gs:// URIs, redirects downloads to signed URLs, and leaves nothing READY after a killed upload', async () => {
    const { key: credentials, publicKey } = serviceAccountKey();
    gcs.trustServiceAccount(credentials.client_email, publicKey);
    mockDir.addContent({ 'sa.json': JSON.stringify(credentials) });
    const { server, knex } = await startRegistry('SQLITE_3', {
      config: {
        storage: {
          type: 'gcs',
          gcs: {
            bucket: BUCKET,
            prefix: PREFIX,
            apiEndpoint: gcs.endpoint,
            keyFilename: mockDir.resolve('sa.json'),
          },
        },
      },
    });
    await request(server)
      .post(`${base}/models`)
      .send({ name: 'churn', owner: 'group:default/data-science' })
      .expect(201);
    for (let i = 0; i < 2; i++) {
      await request(server)
        .post(`${base}/models/churn/versions`)
        .send({ artifactFormat: 'onnx' })
        .expect(201);
    }

    // Version 1: three chunks of 8 MiB and the rest.
    const bytes = testBytes(3 * 8 * MiB + 1000);
    const uploaded = await request(server)
      .put(`${base}/models/churn/versions/1/artifact?sha256=${sha256(bytes)}`)
      .set('Content-Type', 'application/octet-stream')
      .send(bytes)
      .expect(200);
    const [model] = await knex('models').where({ name: 'churn' });
    const [ready] = await knex('model_versions').where({ status: 'READY' });
    expect(ready.artifact_key).toMatch(
      new RegExp(`^models/${model.id}/versions/[0-9a-f-]{36}/artifact$`),
    );
    const uri = `gs://${BUCKET}/${PREFIX}/${ready.artifact_key}`;
    expect(uploaded.body).toMatchObject({
      status: 'READY',
      artifact: {
        location: 'registry',
        uri,
        sha256: sha256(bytes),
        size: bytes.length,
      },
    });
    const chunks = gcs.requests.filter(
      r => r.method === 'PUT' && r.path.startsWith('/upload/'),
    );
    expect(chunks.map(r => r.status)).toEqual([308, 308, 308, 200]);
    const listed = await request(server)
      .get(`${base}/models/churn/versions`)
      .expect(200);
    expect(
      listed.body.items.find((v: any) => v.version === 1).artifact.uri,
    ).toBe(uri);

    const download = await request(server)
      .get(`${base}/models/churn/versions/1/artifact`)
      .redirects(0)
      .expect(302);
    const signed = download.headers.location;
    expect(signed).toMatch(
      new RegExp(
        `^${gcs.endpoint}/${BUCKET}/${PREFIX}/models/.*X-Goog-Signature=[0-9a-f]+`,
      ),
    );
    const fetched = Buffer.from(await (await fetch(signed)).arrayBuffer());
    expect(fetched.equals(bytes)).toBe(true);

    // Version 2: the client dies after 10 MiB, with a chunk already sent.
    await killedUpload(
      server,
      `${base}/models/churn/versions/2/artifact`,
      10 * MiB,
    );
    await new Promise(resolve => setTimeout(resolve, 500));
    const version2 = await request(server)
      .get(`${base}/models/churn/versions/2`)
      .expect(200);
    expect(version2.body.status).toBe('PENDING');
    expect(version2.body.artifact).toEqual({
      location: 'registry',
      format: 'onnx',
    });
    expect(gcs.objectNames(BUCKET)).toEqual([
      `${PREFIX}/${ready.artifact_key}`,
    ]);
  });

  it('has the cleaner remove unreferenced artifacts and temporary objects, once old enough', async () => {
    const { server, knex } = await startRegistry('SQLITE_3', {
      config: {
        storage: {
          type: 'gcs',
          gcs: { bucket: BUCKET, prefix: 'cleaned', apiEndpoint: gcs.endpoint },
        },
      },
    });
    await request(server)
      .post(`${base}/models`)
      .send({ name: 'fraud', owner: 'group:default/data-science' })
      .expect(201);
    await request(server)
      .post(`${base}/models/fraud/versions`)
      .send({})
      .expect(201);
    await request(server)
      .put(`${base}/models/fraud/versions/1/artifact`)
      .set('Content-Type', 'application/octet-stream')
      .send(Buffer.from('the model'))
      .expect(200);
    const [model] = await knex('models').where({ name: 'fraud' });
    const [ready] = await knex('model_versions').where({ status: 'READY' });

    // What a backend killed between the steps of an upload leaves: a
    // verified temporary object, or a copy whose version was never settled.
    const storage = new Storage({ apiEndpoint: gcs.endpoint, crc32cGenerator });
    const temp = `tmp/${randomUUID()}`;
    const unsettled = artifactKey(model.id, randomUUID());
    const young = `tmp/${randomUUID()}`;
    for (const key of [temp, unsettled, young]) {
      await storage.bucket(BUCKET).file(`cleaned/${key}`).save('left over');
    }
    for (const key of [temp, unsettled, ready.artifact_key]) {
      gcs.age(BUCKET, `cleaned/${key}`, 7 * 3_600_000);
    }

    const db = await RegistryDatabase.create({
      database: mockServices.database({ knex }),
      skipMigrations: true,
    });
    const cleaner = new ArtifactCleaner(
      db,
      new GcsArtifactStore({ storage, bucket: BUCKET, prefix: 'cleaned' }),
      mockServices.logger.mock(),
    );
    expect(await cleaner.clean()).toBe(2);
    expect(
      gcs.objectNames(BUCKET).filter(name => name.startsWith('cleaned/')),
    ).toEqual([`cleaned/${ready.artifact_key}`, `cleaned/${young}`].sort());
  });
});
