import request from 'supertest';
import { ownerOnlyPermissions } from '../__testUtils__/permissions';
import { databases, startRegistry } from '../__testUtils__/startRegistry';

jest.setTimeout(120_000);

const base = '/api/model-registry';
const owner = 'group:default/data-science';

describe.each(databases.eachSupportedId())(
  'POST /versions registers a batch (%s)',
  databaseId => {
    it('registers versions of several models in order, all or none', async () => {
      const { server, knex } = await startRegistry(databaseId);
      const api = () => request(server);
      for (const name of ['churn', 'ranker']) {
        await api().post(`${base}/models`).send({ name, owner }).expect(201);
      }
      const created = await api()
        .post(`${base}/versions`)
        .send({
          items: [
            { model: 'churn', version: { metrics: [{ key: 'f1', value: 1 }] } },
            { model: 'ranker', version: { tags: ['imported'] } },
            {
              model: 'churn',
              version: {
                artifact: { uri: 'https://models.example/churn/2' },
                parent: { model: 'churn', version: 1, relation: 'retrained' },
              },
            },
          ],
        })
        .expect(201);
      expect(
        created.body.items.map((v: any) => [v.model, v.version, v.status]),
      ).toEqual([
        ['churn', 1, 'PENDING'],
        ['ranker', 1, 'PENDING'],
        ['churn', 2, 'READY'],
      ]);
      const events = await knex('outbox_events')
        .where({ type: 'version.registered' })
        .count({ n: '*' });
      expect(Number(events[0].n)).toBe(3);

      // one bad item: nothing is written
      const versionsBefore = await knex('model_versions').count({ n: '*' });
      const failed = await api()
        .post(`${base}/versions`)
        .send({
          items: [
            { model: 'churn', version: {} },
            { model: 'no-such-model', version: {} },
          ],
        });
      expect(failed.status).toBe(404);
      await api()
        .post(`${base}/versions`)
        .send({
          items: [
            { model: 'churn', version: {} },
            {
              model: 'ranker',
              version: {
                metrics: [
                  { key: 'auc', value: 1 },
                  { key: 'auc', value: 2 },
                ],
              },
            },
          ],
        })
        .expect(400);
      expect(await knex('model_versions').count({ n: '*' })).toEqual(
        versionsBefore,
      );
      // and the numbering goes on without a gap
      const next = await api()
        .post(`${base}/versions`)
        .send({ items: [{ model: 'churn', version: {} }] })
        .expect(201);
      expect(next.body.items[0].version).toBe(3);

      for (const body of [
        {},
        { items: [] },
        {
          items: Array.from({ length: 101 }, () => ({
            model: 'churn',
            version: {},
          })),
        },
        { items: [{ model: 'Churn', version: {} }] },
        { items: [{ model: 'churn' }] },
        { items: [{ model: 'churn', version: { unknown: 1 } }] },
      ]) {
        const res = await api().post(`${base}/versions`).send(body);
        expect(res.status).toBe(400);
      }
    });

    it('needs version.create on every model of the batch', async () => {
      const { factory } = ownerOnlyPermissions(
        owner,
        (permission, model) =>
          permission !== 'model-registry.version.create' || model === 'churn',
      );
      const { server, knex } = await startRegistry(databaseId, {
        features: [factory],
      });
      const api = () => request(server);
      for (const name of ['churn', 'ranker']) {
        await api().post(`${base}/models`).send({ name, owner }).expect(201);
      }
      const denied = await api()
        .post(`${base}/versions`)
        .send({
          items: [
            { model: 'churn', version: {} },
            { model: 'ranker', version: {} },
          ],
        });
      expect(denied.status).toBe(403);
      expect(
        Number((await knex('model_versions').count({ n: '*' }))[0].n),
      ).toBe(0);
    });
  },
);
