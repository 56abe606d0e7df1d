import { mockServices } from '@backstage/backend-test-utils';
import { promises as fs } from 'node:fs';
import request from 'supertest';
import { RegistryDatabase } from '../database/RegistryDatabase';
import { FilesystemArtifactStore } from '../storage/FilesystemArtifactStore';
import { databases, startRegistry } from '../__testUtils__/startRegistry';
import { ArtifactCleaner } from './ArtifactCleaner';
import { PendingVersionReaper } from './PendingVersionReaper';

jest.setTimeout(60_000);

const base = '/api/model-registry';
const HOUR = 3_600_000;

describe.each(databases.eachSupportedId())(
  'PendingVersionReaper on %p',
  databaseId => {
    it('marks versions PENDING for too long FAILED, through audit and outbox, and removes their partial uploads', async () => {
      const { server, knex, artifactDir } = await startRegistry(databaseId);
      await request(server)
        .post(`${base}/models`)
        .send({ name: 'stale', owner: 'group:default/data-science' })
        .expect(201);
      // v1: abandoned two days ago; v2: registered just now; v3: READY.
      for (let i = 0; i < 3; i++) {
        await request(server)
          .post(`${base}/models/stale/versions`)
          .send({ artifactFormat: 'bin' })
          .expect(201);
      }
      await request(server)
        .put(`${base}/models/stale/versions/3/artifact`)
        .set('Content-Type', 'application/octet-stream')
        .send(Buffer.from('complete'))
        .expect(200);
      const [model] = await knex('models').where({ name: 'stale' });
      await knex('model_versions')
        .where({ model_id: model.id, version: 1 })
        .update({ created_at: new Date(Date.now() - 48 * HOUR) });

      // What an upload of v1 killed with the backend left behind.
      const rootDir = artifactDir.resolve('store');
      const partial = `${rootDir}/tmp/0b7c5bd6-4d0f-4f38-9d43-6f0f0c1d2e3a`;
      await fs.writeFile(partial, 'half an artifact');
      const longAgo = new Date(Date.now() - 40 * HOUR);
      await fs.utimes(partial, longAgo, longAgo);

      const db = await RegistryDatabase.create({
        database: mockServices.database({ knex }),
        skipMigrations: true,
      });
      const store = await FilesystemArtifactStore.create({ rootDir });
      const logger = mockServices.logger.mock();
      const reaper = new PendingVersionReaper(
        db,
        new ArtifactCleaner(db, store, logger),
        logger,
        24 * HOUR,
      );

      expect(await reaper.reap()).toBe(1);

      const v1 = await request(server)
        .get(`${base}/models/stale/versions/1`)
        .expect(200);
      expect(v1.body).toMatchObject({
        status: 'FAILED',
        failureReason: expect.stringMatching(
          /^upload did not complete within 24 hours of registration/,
        ),
        updatedBy: 'service:plugin:model-registry',
      });
      const v2 = await request(server)
        .get(`${base}/models/stale/versions/2`)
        .expect(200);
      expect(v2.body.status).toBe('PENDING');
      const v3 = await request(server)
        .get(`${base}/models/stale/versions/3`)
        .expect(200);
      expect(v3.body.status).toBe('READY');

      const audit = await knex('audit_events').where({
        model_name: 'stale',
        version: 1,
        action: 'version.fail',
      });
      expect(audit).toHaveLength(1);
      expect(audit[0].actor).toBe('service:plugin:model-registry');
      expect(JSON.parse(audit[0].after)).toMatchObject({ status: 'FAILED' });
      const events = await knex('outbox_events').where({
        model_name: 'stale',
        type: 'version.failed',
      });
      expect(events).toHaveLength(1);
      expect(JSON.parse(events[0].payload)).toMatchObject({
        model: 'stale',
        version: 1,
        status: 'FAILED',
        reason: expect.stringMatching(/did not complete within 24 hours/),
        actor: 'service:plugin:model-registry',
      });

      // The partial upload is gone; the READY artifact stays.
      await expect(fs.stat(partial)).rejects.toThrow(/ENOENT/);
      const keys: string[] = [];
      for await (const { key } of store.list()) keys.push(key);
      const [ready] = await knex('model_versions').where({
        model_id: model.id,
        version: 3,
      });
      expect(keys).toEqual([ready.artifact_key]);

      // An expired version takes no upload any more, and a second pass
      // finds nothing to do.
      await request(server)
        .put(`${base}/models/stale/versions/1/artifact`)
        .set('Content-Type', 'application/octet-stream')
        .send(Buffer.from('late'))
        .expect(409);
      expect(await reaper.reap()).toBe(0);

      // v2 expires too once its time is up.
      expect(await reaper.reap(new Date(Date.now() + 25 * HOUR))).toBe(1);
      const later = await request(server)
        .get(`${base}/models/stale/versions/2`)
        .expect(200);
      expect(later.body.status).toBe('FAILED');
    });
  },
);
