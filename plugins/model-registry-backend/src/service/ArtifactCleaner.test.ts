import { mockServices } from '@backstage/backend-test-utils';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import request from 'supertest';
import { RegistryDatabase } from '../database/RegistryDatabase';
import { artifactKey } from '../storage/ArtifactStore';
import { FilesystemArtifactStore } from '../storage/FilesystemArtifactStore';
import { startRegistry } from '../__testUtils__/startRegistry';
import { ArtifactCleaner } from './ArtifactCleaner';

jest.setTimeout(60_000);

const base = '/api/model-registry';

describe('killed uploads and the artifact cleaner', () => {
  it('leaves the version PENDING when the client dies mid-upload, then cleans up', async () => {
    const { server, knex, artifactDir } = await startRegistry('SQLITE_3');
    await request(server)
      .post(`${base}/models`)
      .send({ name: 'crashy', owner: 'group:default/data-science' })
      .expect(201);
    await request(server)
      .post(`${base}/models/crashy/versions`)
      .send({})
      .expect(201);

    // Announce 10 MiB, send 1 MiB, then kill the connection.
    const { port } = server.address() as AddressInfo;
    await new Promise<void>(resolve => {
      const req = http.request({
        host: '127.0.0.1',
        port,
        method: 'PUT',
        path: `${base}/models/crashy/versions/1/artifact`,
        headers: {
          'Content-Type': 'application/octet-stream',
          'Content-Length': String(10 * 1024 * 1024),
          Authorization: 'Bearer mock-user-token',
        },
      });
      req.on('error', () => resolve());
      req.write(Buffer.alloc(1024 * 1024, 1), () => {
        setTimeout(() => {
          req.destroy();
          resolve();
        }, 200);
      });
    });
    // The server notices the abort asynchronously.
    await new Promise(r => setTimeout(r, 500));

    const version = await request(server)
      .get(`${base}/models/crashy/versions/1`)
      .expect(200);
    expect(version.body.status).toBe('PENDING');
    expect(version.body.artifact).toBeUndefined();

    // Simulate what a crash mid-upload could leave: an unreferenced object.
    const store = await FilesystemArtifactStore.create({
      rootDir: artifactDir.resolve('store'),
    });
    const [model] = await knex('models').where({ name: 'crashy' });
    const orphan = artifactKey(model.id, randomUUID());
    await store.put(orphan, Readable.from([Buffer.from('partial')]), {
      maxBytes: 100,
    });

    // A retry succeeds.
    await request(server)
      .put(`${base}/models/crashy/versions/1/artifact`)
      .set('Content-Type', 'application/octet-stream')
      .send(Buffer.from('complete artifact'))
      .expect(200);

    const db = await RegistryDatabase.create({
      database: mockServices.database({ knex }),
      skipMigrations: true,
    });
    const cleaner = new ArtifactCleaner(
      db,
      store,
      mockServices.logger.mock(),
      0,
    );
    expect(await cleaner.clean(new Date(Date.now() + 1000))).toBe(1);
    const keys: string[] = [];
    for await (const { key } of store.list()) keys.push(key);
    const [ready] = await knex('model_versions').where({ status: 'READY' });
    expect(keys).toEqual([ready.artifact_key]);
    const download = await request(server)
      .get(`${base}/models/crashy/versions/1/artifact`)
      .responseType('blob')
      .expect(200);
    expect(download.body.toString()).toBe('complete artifact');
  });
});
