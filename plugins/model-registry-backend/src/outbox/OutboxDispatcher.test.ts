import { mockServices } from '@backstage/backend-test-utils';
import {
  ModelRegistryDeliveryRetryAfterError,
  ModelRegistryEvent,
  ModelRegistryEventSubscriber,
} from '@mlreg/plugin-model-registry-node';
import { Knex } from 'knex';
import { RegistryDatabase } from '../database/RegistryDatabase';
import { recordChange } from '../service/recordChange';
import { databases } from '../__testUtils__/startRegistry';
import { OutboxDispatcher } from './OutboxDispatcher';

jest.setTimeout(60_000);

const actor = { ref: 'user:default/dana' };
const retry = { maxAttempts: 3, baseDelayMs: 1_000, maxDelayMs: 8_000 };

/** Writes a `model.updated` (or `event`) event of model `m<n>`. */
async function writeEvent(
  db: RegistryDatabase,
  n: number,
  options: { event?: string; rollBack?: boolean } = {},
) {
  await db.transaction(async stores => {
    await recordChange(stores, actor, new Date(), {
      action: 'model.update',
      event: options.event ?? 'model.updated',
      target: `model:m${n}`,
      model: { id: '00000000-0000-4000-8000-000000000000', name: `m${n}` },
      payload: { n },
    });
    if (options.rollBack) throw new Error('rolled back');
  });
}

/** A subscriber that records what it receives and fails while `failing`. */
function recorder(
  id: string,
  options: Partial<ModelRegistryEventSubscriber> & {
    failing?: () => boolean;
  } = {},
) {
  const received: ModelRegistryEvent[] = [];
  const subscriber: ModelRegistryEventSubscriber = {
    id,
    ...options,
    async deliver(event) {
      if (options.failing?.()) throw new Error(`${id} is down`);
      received.push(event);
    },
  };
  return { subscriber, received };
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

    function dispatcher(
      subscribers: ModelRegistryEventSubscriber[],
      database = db,
    ) {
      return new OutboxDispatcher({
        db: database,
        logger: mockServices.logger.mock(),
        subscribers,
        retry,
      });
    }

    async function deliveryOf(subscriber: string) {
      return knex('outbox_deliveries').where({ subscriber }).first();
    }

    it('delivers every event once to every subscriber, with a unique idempotency key', async () => {
      const a = recorder('a');
      const b = recorder('b');
      const d = dispatcher([a.subscriber, b.subscriber]);
      for (let n = 1; n <= 3; n++) await writeEvent(db, n);

      expect(await d.dispatch()).toEqual({ delivered: 6, failed: 0, dead: 0 });
      expect(await d.dispatch()).toEqual({ delivered: 0, failed: 0, dead: 0 });
      expect(a.received.map(e => e.payload.n)).toEqual([1, 2, 3]);
      expect(b.received.map(e => e.eventId)).toEqual(
        a.received.map(e => e.eventId),
      );
      expect(new Set(a.received.map(e => e.eventId)).size).toBe(3);
      expect(a.received[0]).toMatchObject({
        type: 'model.updated',
        model: 'm1',
        payload: { n: 1, actor: 'user:default/dana' },
      });
    });

    it('never delivers the event of a rolled-back change', async () => {
      const a = recorder('a');
      const d = dispatcher([a.subscriber]);
      await expect(writeEvent(db, 1, { rollBack: true })).rejects.toThrow(
        'rolled back',
      );
      await d.dispatch();
      expect(a.received).toEqual([]);
    });

    it('creates deliveries only for subscribers whose filter matches', async () => {
      const all = recorder('all');
      const aliases = recorder('aliases', {
        filter: { types: ['alias.moved', 'alias.created'] },
      });
      const m2 = recorder('m2', { filter: { models: ['m2'] } });
      const both = recorder('both', {
        filter: { types: ['model.updated'], models: ['m1'] },
      });
      const d = dispatcher([
        all.subscriber,
        aliases.subscriber,
        m2.subscriber,
        both.subscriber,
      ]);
      await writeEvent(db, 1);
      await writeEvent(db, 2);
      await writeEvent(db, 1, { event: 'alias.moved' });
      await d.dispatch();

      const seen = (r: { received: ModelRegistryEvent[] }) =>
        r.received.map(e => `${e.type} ${e.model}`);
      expect(seen(all)).toHaveLength(3);
      expect(seen(aliases)).toEqual(['alias.moved m1']);
      expect(seen(m2)).toEqual(['model.updated m2']);
      expect(seen(both)).toEqual(['model.updated m1']);
      const rows = await knex('outbox_deliveries').select('subscriber');
      expect(rows).toHaveLength(3 + 1 + 1 + 1);
    });

    it('retries a failing subscriber with growing delays, without holding up the others', async () => {
      let calls = 0;
      const flaky = recorder('flaky', {
        retry: { maxAttempts: 5 },
        failing: () => ++calls <= 2,
      });
      const healthy = recorder('healthy');
      const d = dispatcher([flaky.subscriber, healthy.subscriber]);
      await writeEvent(db, 1);

      const t0 = Date.now();
      expect(await d.dispatch(new Date(t0))).toEqual({
        delivered: 1,
        failed: 1,
        dead: 0,
      });
      let row = await deliveryOf('flaky');
      expect(row).toMatchObject({ status: 'pending', attempts: 1 });
      expect(row.last_error).toContain('flaky is down');
      const firstDelay = new Date(row.next_attempt_at).getTime() - t0;
      expect(firstDelay).toBeGreaterThanOrEqual(900);

      // not due yet: nothing happens
      expect(await d.dispatch(new Date(t0 + 100))).toEqual({
        delivered: 0,
        failed: 0,
        dead: 0,
      });
      expect(await d.dispatch(new Date(t0 + 60_000))).toMatchObject({
        failed: 1,
      });
      row = await deliveryOf('flaky');
      expect(row.attempts).toBe(2);
      const secondDelay = new Date(row.next_attempt_at).getTime() - Date.now();
      expect(secondDelay).toBeGreaterThan(firstDelay);

      expect(await d.dispatch(new Date(Date.now() + 60_000))).toEqual({
        delivered: 1,
        failed: 0,
        dead: 0,
      });
      expect(flaky.received).toHaveLength(1);
      expect(healthy.received).toHaveLength(1);
      expect(await deliveryOf('flaky')).toMatchObject({
        status: 'delivered',
        last_error: null,
      });
    });

    it('caps the delay between attempts at maxDelayMs', async () => {
      const down = recorder('down', {
        retry: { maxAttempts: 10, baseDelayMs: 1_000, maxDelayMs: 2_500 },
        failing: () => true,
      });
      const d = dispatcher([down.subscriber]);
      await writeEvent(db, 1);
      let now = Date.now();
      for (let attempt = 1; attempt <= 4; attempt++) {
        await d.dispatch(new Date(now));
        now += 60_000;
      }
      const row = await deliveryOf('down');
      const delay = new Date(row.next_attempt_at).getTime() - Date.now();
      expect(delay).toBeLessThanOrEqual(2_500);
      expect(delay).toBeGreaterThan(2_000);
    });

    it('waits at least as long as the receiver asked (Retry-After), however short the backoff', async () => {
      let retryAfterMs = 30_000;
      const limited: ModelRegistryEventSubscriber = {
        id: 'limited',
        retry: { maxAttempts: 5, baseDelayMs: 1_000, maxDelayMs: 8_000 },
        async deliver() {
          throw new ModelRegistryDeliveryRetryAfterError(
            'rate limited',
            retryAfterMs,
          );
        },
      };
      const d = dispatcher([limited]);
      await writeEvent(db, 1);
      await d.dispatch();
      const delayOf = async () =>
        new Date((await deliveryOf('limited')).next_attempt_at).getTime() -
        Date.now();
      expect(await delayOf()).toBeGreaterThan(29_000);
      expect(await delayOf()).toBeLessThanOrEqual(30_000);
      expect(await deliveryOf('limited')).toMatchObject({
        status: 'pending',
        attempts: 1,
        last_error: 'ModelRegistryDeliveryRetryAfterError: rate limited',
      });

      // A shorter Retry-After than the backoff: the backoff (2 s) stands.
      retryAfterMs = 10;
      await d.dispatch(new Date(Date.now() + 60_000));
      expect(await delayOf()).toBeGreaterThan(1_500);
      expect(await delayOf()).toBeLessThanOrEqual(2_000);
    });

    it('gives up after maxAttempts: the delivery is dead with its last error until replayed', async () => {
      let down = true;
      const sink = recorder('sink', { failing: () => down });
      const d = dispatcher([sink.subscriber]);
      await writeEvent(db, 1);

      let now = Date.now();
      const results = [];
      for (let run = 0; run < 4; run++) {
        results.push(await d.dispatch(new Date(now)));
        now += 60_000;
      }
      expect(results).toEqual([
        { delivered: 0, failed: 1, dead: 0 },
        { delivered: 0, failed: 1, dead: 0 },
        { delivered: 0, failed: 0, dead: 1 },
        { delivered: 0, failed: 0, dead: 0 },
      ]);
      expect(await deliveryOf('sink')).toMatchObject({
        status: 'dead',
        attempts: 3,
        last_error: 'Error: sink is down',
      });

      down = false;
      await db.read.outbox.replay(
        { subscriber: 'sink', status: 'dead' },
        new Date(),
      );
      expect(await deliveryOf('sink')).toMatchObject({
        status: 'pending',
        attempts: 0,
      });
      expect(await d.dispatch()).toEqual({ delivered: 1, failed: 0, dead: 0 });
      expect(sink.received.map(e => e.payload.n)).toEqual([1]);
    });

    it('picks up undelivered events after a restart', async () => {
      const before = dispatcher([
        recorder('notifier', { failing: () => true }).subscriber,
      ]);
      await writeEvent(db, 1);
      await writeEvent(db, 2);
      await before.dispatch();

      // A new process: fresh objects on the same database.
      const restartedDb = await RegistryDatabase.create({
        database: mockServices.database({ knex }),
      });
      const after = recorder('notifier');
      const d = dispatcher([after.subscriber], restartedDb);
      expect(await d.dispatch(new Date(Date.now() + 60_000))).toMatchObject({
        delivered: 2,
      });
      expect(after.received.map(e => e.payload.n)).toEqual([1, 2]);
    });

    it('prunes delivered events after the retention period, keeps pending and dead ones', async () => {
      const ok = recorder('ok');
      const down = recorder('down', {
        retry: { maxAttempts: 1 },
        failing: () => true,
      });
      const pending = recorder('pending', { failing: () => true });
      await writeEvent(db, 1, { event: 'alias.moved' });
      const d = new OutboxDispatcher({
        db,
        logger: mockServices.logger.mock(),
        subscribers: [
          ok.subscriber,
          { ...down.subscriber, filter: { types: ['version.ready'] } },
          { ...pending.subscriber, filter: { types: ['kpi.updated'] } },
        ],
        retry,
        retentionMs: 0,
      });
      await writeEvent(db, 2, { event: 'version.ready' });
      await writeEvent(db, 3, { event: 'kpi.updated' });
      await writeEvent(db, 4, { event: 'alias.moved' });
      await d.dispatch(new Date(Date.now() + 1000));
      const left = await knex('outbox_events').select('payload');
      expect(left.map(e => JSON.parse(e.payload).n).sort()).toEqual([2, 3]);
    });

    it('lists the effective retry policy of each subscriber', () => {
      const d = dispatcher([
        recorder('a').subscriber,
        recorder('b', { retry: { maxAttempts: 9 }, filter: { models: ['x'] } })
          .subscriber,
      ]);
      expect(d.subscriptions()).toEqual([
        { id: 'a', retry },
        {
          id: 'b',
          filter: { models: ['x'] },
          retry: { ...retry, maxAttempts: 9 },
        },
      ]);
    });
  },
);
