import request from 'supertest';
import { databases, startRegistry } from '../__testUtils__/startRegistry';

jest.setTimeout(600_000);

const writers = 8;
const versionsPerWriter = 1000;

describe.each(databases.eachSupportedId())(
  'version numbering (%s)',
  databaseId => {
    it(`gives ${writers} concurrent writers of ${versionsPerWriter} versions each the numbers 1..${
      writers * versionsPerWriter
    }, no gap, no duplicate, no error`, async () => {
      const { server, knex } = await startRegistry(databaseId);
      await request(server)
        .post('/api/model-registry/models')
        .send({ name: 'busy-model', owner: 'group:default/data-science' })
        .expect(201);
      // Keep-alive connections, as real clients have.
      const agent = request.agent(server);

      const statuses = new Map<number, number>();
      const writer = async () => {
        const numbers: number[] = [];
        for (let i = 0; i < versionsPerWriter; i++) {
          const res = await agent
            .post('/api/model-registry/models/busy-model/versions')
            .send({ metrics: [{ key: 'auc', value: Math.random() }] });
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          numbers.push(res.body.version);
        }
        return numbers;
      };
      const results = await Promise.all(
        Array.from({ length: writers }, writer),
      );

      expect(Object.fromEntries(statuses)).toEqual({
        201: writers * versionsPerWriter,
      });
      const all = results.flat().sort((a, b) => a - b);
      expect(all).toEqual(
        Array.from({ length: writers * versionsPerWriter }, (_, i) => i + 1),
      );
      // each writer saw its own numbers increase
      for (const numbers of results) {
        expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
      }
      const [{ count }] = await knex('model_versions').count({ count: '*' });
      expect(Number(count)).toBe(writers * versionsPerWriter);
    });
  },
);
