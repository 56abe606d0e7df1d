import request from 'supertest';
import { databases, startRegistry } from '../__testUtils__/startRegistry';

jest.setTimeout(120_000);

const base = '/api/model-registry';
const owner = 'group:default/data-science';

describe.each(databases.eachSupportedId())(
  'Idempotency-Key on creates (%s)',
  databaseId => {
    let server: Awaited<ReturnType<typeof startRegistry>>['server'];
    let knex: Awaited<ReturnType<typeof startRegistry>>['knex'];

    beforeAll(async () => {
      ({ server, knex } = await startRegistry(databaseId));
      await request(server)
        .post(`${base}/models`)
        .send({ name: 'churn', owner })
        .expect(201);
    });

    const register = (key: string | undefined, body: object) => {
      const call = request(server).post(`${base}/models/churn/versions`);
      return (key ? call.set('Idempotency-Key', key) : call).send(body);
    };

    it('answers a retry with the first answer instead of a second version', async () => {
      const body = { description: 'nightly', tags: ['nightly'] };
      const first = await register('ci-run-1', body).expect(201);
      const retry = await register('ci-run-1', body).expect(201);
      expect(retry.body).toEqual(first.body);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(first.headers['idempotent-replayed']).toBeUndefined();
      const versions = await knex('model_versions').count({ n: '*' });
      expect(Number(versions[0].n)).toBe(1);
      // another key is another request
      expect((await register('ci-run-2', body).expect(201)).body.version).toBe(
        2,
      );
    });

    it('refuses the same key with another request', async () => {
      await register('ci-run-3', { description: 'a' }).expect(201);
      const conflict = await register('ci-run-3', { description: 'b' });
      expect(conflict.status).toBe(409);
      expect(conflict.body.error.message).toMatch(/different request/);
      // and on another operation
      const other = await request(server)
        .post(`${base}/models`)
        .set('Idempotency-Key', 'ci-run-3')
        .send({ name: 'other', owner });
      expect(other.status).toBe(409);
    });

    it('runs a retry of a request that failed, and runs concurrent retries once', async () => {
      await request(server).post(`${base}/models/churn/archive`).expect(200);
      await register('ci-run-4', {}).expect(409);
      await request(server).post(`${base}/models/churn/restore`).expect(200);
      const before = Number(
        (await knex('model_versions').count({ n: '*' }))[0].n,
      );
      await register('ci-run-4', {}).expect(201);

      const answers = await Promise.all(
        Array.from({ length: 8 }, () => register('ci-run-5', { tags: ['x'] })),
      );
      const created = answers.filter(a => a.status === 201);
      expect(created.length).toBeGreaterThanOrEqual(1);
      // every 201 is the same version; the others were told to retry later
      expect(new Set(created.map(a => a.body.version)).size).toBe(1);
      for (const a of answers.filter(x => x.status !== 201)) {
        expect(a.status).toBe(409);
        expect(a.body.error.message).toMatch(/still running/);
      }
      const after = Number(
        (await knex('model_versions').count({ n: '*' }))[0].n,
      );
      expect(after - before).toBe(2);
    });

    it('refuses malformed keys', async () => {
      for (const key of ['has space', 'x'.repeat(256), 'ü']) {
        const res = await register(key, {});
        expect([key, res.status]).toEqual([key, 400]);
      }
    });

    it('documents the header on every create', async () => {
      const doc = (await request(server).get(`${base}/openapi.json`)).body;
      const post = doc.paths['/models/{name}/versions'].post;
      expect(post.parameters.map((p: any) => p.name)).toContain(
        'Idempotency-Key',
      );
    });
  },
);
