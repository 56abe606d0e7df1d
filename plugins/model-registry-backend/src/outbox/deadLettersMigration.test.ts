import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { databases } from '../__testUtils__/startRegistry';

jest.setTimeout(60_000);

const directory = resolvePackagePath(
  '@mlreg/plugin-model-registry-backend',
  'migrations',
);
const MIGRATION = '20261129000000_outbox_dead_letters.js';

describe.each(databases.eachSupportedId())(
  'outbox dead letters migration (%s)',
  databaseId => {
    it('gives existing deliveries their status, and rolls back cleanly', async () => {
      const knex = await databases.init(databaseId);
      const [, pending] = await knex.migrate.list({ directory });
      for (const { file } of pending) {
        if (file === MIGRATION) break;
        await knex.migrate.up({ directory, name: file });
      }
      const [{ id }] = await knex('outbox_events')
        .insert({
          event_id: '00000000-0000-4000-8000-000000000001',
          type: 'model.created',
          model_name: 'churn',
          payload: '{}',
          created_at: new Date(),
        })
        .returning('id');
      await knex('outbox_deliveries').insert([
        {
          event_seq: id,
          subscriber: 'done',
          attempts: 0,
          next_attempt_at: new Date(),
          delivered_at: new Date(),
        },
        {
          event_seq: id,
          subscriber: 'waiting',
          attempts: 3,
          next_attempt_at: new Date(),
        },
      ]);

      await knex.migrate.up({ directory, name: MIGRATION });
      const statuses = await knex('outbox_deliveries')
        .orderBy('subscriber')
        .select('subscriber', 'status', 'attempts');
      expect(statuses).toEqual([
        { subscriber: 'done', status: 'delivered', attempts: 0 },
        { subscriber: 'waiting', status: 'pending', attempts: 3 },
      ]);

      await knex.migrate.down({ directory, name: MIGRATION });
      expect(await knex.schema.hasColumn('outbox_deliveries', 'status')).toBe(
        false,
      );
      expect(await knex('outbox_deliveries').count({ n: '*' })).toEqual([
        { n: expect.anything() },
      ]);
      await knex.migrate.up({ directory, name: MIGRATION });
      expect(await knex.schema.hasColumn('outbox_deliveries', 'status')).toBe(
        true,
      );
    });
  },
);
