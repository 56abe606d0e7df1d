import { mockServices } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { RegistryDatabase } from '../database/RegistryDatabase';
import { OutboxEvent } from '../database/OutboxStore';
import { recordChange } from '../service/recordChange';
import { databases } from '../__testUtils__/startRegistry';
import { OutboxDispatcher } from './OutboxDispatcher';

jest.setTimeout(60_000);

const actor = { ref: 'user:default/dana' };

async function writeEvent(db: RegistryDatabase, n: number, fail = false) {
  await db.transaction(async stores => {
    await recordChange(stores, actor, new Date(), {
      action: 'model.update',
      event: 'model.updated',
      target: `model:m${n}`,
      model: { id: '00000000-0000-4000-8000-000000000000', name: `m${n}` },
      payload: { n },
    });
    if (fail) throw new Error('rolled back');
  });
}

describe.each(databases.eachSupportedId())(
  'OutboxDispatcher (%s)',
  databaseId => {
    let knex: Knex;
    let db: RegistryDatabase;

    beforeEach(async () => {
      knex = await databases.init(databaseId);
      db = await RegistryDatabase.create({
        database: mockServices.database({ knex }),
      });
    });

    function dispatcher(database = db) {
      return new OutboxDispatcher(database, mockServices.logger.mock(), {
        retryBaseMs: 1_000,
        retryMaxMs: 8_000,
      });
    }

    it('delivers every event once to every subscriber, with a unique idempotency key', async () => {
      const received: Record<string, OutboxEvent[]> = { a: [], b: [] };
      const d = dispatcher();
      d.addSubscriber({ id: 'a', handle: async e => void received.a.push(e) });
      d.addSubscriber({ id: 'b', handle: async e => void received.b.push(e) });
      for (let n = 1; n <= 3; n++) await writeEvent(db, n);

      expect(await d.dispatch()).toEqual({ delivered: 6, failed: 0 });
      expect(await d.dispatch()).toEqual({ delivered: 0, failed: 0 });
      expect(received.a.map(e => e.payload.n)).toEqual([1, 2, 3]);
      expect(received.b.map(e => e.eventId)).toEqual(
        received.a.map(e => e.eventId),
      );
      expect(new Set(received.a.map(e => e.eventId)).size).toBe(3);
      expect(received.a[0]).toMatchObject({
        type: 'model.updated',
        model: 'm1',
        payload: { n: 1, actor: 'user:default/dana' },
      });
    });

    it('never delivers the event of a rolled-back change', async () => {
      const handle = jest.fn(async () => {});
      const d = dispatcher();
      d.addSubscriber({ id: 'a', handle });
      await expect(writeEvent(db, 1, true)).rejects.toThrow('rolled back');
      await d.dispatch();
      expect(handle).not.toHaveBeenCalled();
    });

    it('retries a failing subscriber with exponential backoff until it succeeds', async () => {
      let calls = 0;
      const d = dispatcher();
      d.addSubscriber({
        id: 'flaky',
        handle: async () => {
          calls += 1;
          if (calls <= 2) throw new Error(`receiver down (${calls})`);
        },
      });
      const healthy = jest.fn(async () => {});
      d.addSubscriber({ id: 'healthy', handle: healthy });
      await writeEvent(db, 1);

      const t0 = Date.now();
      expect(await d.dispatch(new Date(t0))).toEqual({
        delivered: 1,
        failed: 1,
      });
      let row = await knex('outbox_deliveries')
        .where({ subscriber: 'flaky' })
        .first();
      expect(row.attempts).toBe(1);
      expect(row.last_error).toContain('receiver down (1)');
      const firstDelay = new Date(row.next_attempt_at).getTime() - t0;
      expect(firstDelay).toBeGreaterThanOrEqual(900);

      // not due yet: nothing happens
      expect(await d.dispatch(new Date(t0 + 100))).toEqual({
        delivered: 0,
        failed: 0,
      });
      expect(await d.dispatch(new Date(t0 + 60_000))).toEqual({
        delivered: 0,
        failed: 1,
      });
      row = await knex('outbox_deliveries')
        .where({ subscriber: 'flaky' })
        .first();
      expect(row.attempts).toBe(2);
      const secondDelay = new Date(row.next_attempt_at).getTime() - Date.now();
      expect(secondDelay).toBeGreaterThan(firstDelay);

      expect(await d.dispatch(new Date(Date.now() + 60_000))).toEqual({
        delivered: 1,
        failed: 0,
      });
      expect(calls).toBe(3);
      expect(healthy).toHaveBeenCalledTimes(1);
    });

    it('picks up undelivered events after a restart', async () => {
      const before = dispatcher();
      before.addSubscriber({
        id: 'notifier',
        handle: async () => {
          throw new Error('down');
        },
      });
      await writeEvent(db, 1);
      await writeEvent(db, 2);
      await before.dispatch();

      // A new process: fresh objects on the same database.
      const restartedDb = await RegistryDatabase.create({
        database: mockServices.database({ knex }),
      });
      const received: unknown[] = [];
      const after = dispatcher(restartedDb);
      after.addSubscriber({
        id: 'notifier',
        handle: async e => void received.push(e.payload.n),
      });
      expect(await after.dispatch(new Date(Date.now() + 60_000))).toEqual({
        delivered: 2,
        failed: 0,
      });
      expect(received).toEqual([1, 2]);
    });

    it('prunes delivered events after the retention period, keeps undelivered ones', async () => {
      const d = dispatcher();
      d.addSubscriber({ id: 'ok', handle: async () => {} });
      await writeEvent(db, 1);
      await d.dispatch();
      const flaky = new OutboxDispatcher(db, mockServices.logger.mock(), {
        retentionMs: 0,
      });
      flaky.addSubscriber({
        id: 'down',
        handle: async () => {
          throw new Error('down');
        },
      });
      await writeEvent(db, 2);
      await flaky.dispatch(new Date(Date.now() + 1000));
      const left = await knex('outbox_events').select('payload');
      expect(left.map(e => JSON.parse(e.payload).n)).toEqual([2]);
    });

    it('refuses bad and duplicate subscriber ids', () => {
      const d = dispatcher();
      expect(() =>
        d.addSubscriber({ id: 'Bad Id', handle: async () => {} }),
      ).toThrow(/invalid/);
      d.addSubscriber({ id: 'slack', handle: async () => {} });
      expect(() =>
        d.addSubscriber({ id: 'slack', handle: async () => {} }),
      ).toThrow(/already/);
    });
  },
);
