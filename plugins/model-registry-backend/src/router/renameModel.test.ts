import request from 'supertest';
import { databases, startRegistry } from '../__testUtils__/startRegistry';

jest.setTimeout(120_000);

const base = '/api/model-registry';
const owner = 'group:default/data-science';

describe.each(databases.eachSupportedId())(
  'model annotations and rename (%s)',
  databaseId => {
    let server: Awaited<ReturnType<typeof startRegistry>>['server'];

    beforeAll(async () => {
      ({ server } = await startRegistry(databaseId));
    });

    it('keeps, replaces and validates the annotations of a model', async () => {
      const created = await request(server)
        .post(`${base}/models`)
        .send({
          name: 'annotated',
          owner,
          annotations: { 'example.com/origin': 'Annotated Model' },
        })
        .expect(201);
      expect(created.body.annotations).toEqual({
        'example.com/origin': 'Annotated Model',
      });
      const updated = await request(server)
        .patch(`${base}/models/annotated`)
        .send({ annotations: { 'example.com/team': 'risk' } })
        .expect(200);
      expect(updated.body.annotations).toEqual({ 'example.com/team': 'risk' });
      await request(server)
        .patch(`${base}/models/annotated`)
        .send({ annotations: { 'Bad Key': 'x' } })
        .expect(400);
      const plain = await request(server)
        .post(`${base}/models`)
        .send({ name: 'plain', owner })
        .expect(201);
      expect(plain.body.annotations).toEqual({});
    });

    it('renames a model with its versions, aliases and audit trail', async () => {
      await request(server)
        .post(`${base}/models`)
        .send({ name: 'before', owner })
        .expect(201);
      await request(server)
        .post(`${base}/models/before/versions`)
        .send({ artifact: { uri: 's3://models/before/1' } })
        .expect(201);
      await request(server)
        .put(`${base}/models/before/aliases/champion`)
        .send({ version: 1 })
        .expect(200);

      const renamed = await request(server)
        .post(`${base}/models/before/rename`)
        .send({ name: 'after' })
        .expect(200);
      expect(renamed.body).toMatchObject({
        name: 'after',
        latestVersion: 1,
        aliases: { champion: 1 },
      });
      await request(server).get(`${base}/models/before`).expect(404);
      await request(server).get(`${base}/models/after/versions/1`).expect(200);
      const audit = await request(server)
        .get(`${base}/models/after/audit`)
        .expect(200);
      expect(audit.body.items.map((r: { action: string }) => r.action)).toEqual(
        ['model.rename', 'alias.set', 'version.register', 'model.create'],
      );
      expect(audit.body.items[0]).toMatchObject({
        before: { name: 'before' },
        after: { name: 'after' },
      });

      // The old name is free again; a taken or invalid name is refused.
      await request(server)
        .post(`${base}/models`)
        .send({ name: 'before', owner })
        .expect(201);
      await request(server)
        .post(`${base}/models/after/rename`)
        .send({ name: 'before' })
        .expect(409);
      await request(server)
        .post(`${base}/models/after/rename`)
        .send({ name: 'Not A Label' })
        .expect(400);
      await request(server)
        .post(`${base}/models/missing/rename`)
        .send({ name: 'elsewhere' })
        .expect(404);
    });
  },
);
