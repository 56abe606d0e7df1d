import { mockServices } from '@backstage/backend-test-utils';
import { InputError, NotFoundError } from '@backstage/errors';
import { ModelRegistryEventSubscriber } from '@mlreg/plugin-model-registry-node';
import { RegistryDatabase } from '../database/RegistryDatabase';
import { OutboxDispatcher } from '../outbox/OutboxDispatcher';
import { databases } from '../__testUtils__/startRegistry';
import { DeliveryService } from './DeliveryService';
import { recordChange } from './recordChange';

jest.setTimeout(60_000);

describe.each(databases.eachSupportedId())(
  'DeliveryService (%s)',
  databaseId => {
    let db: RegistryDatabase;
    let dispatcher: OutboxDispatcher;
    let service: DeliveryService;
    let jiraDown: boolean;

    async function write(event: string, model: string) {
      await db.transaction(stores =>
        recordChange(stores, { ref: 'user:default/dana' }, new Date(), {
          action: event,
          event,
          target: `model:${model}`,
          model: { id: '00000000-0000-4000-8000-000000000000', name: model },
          payload: {},
        }),
      );
    }

    beforeEach(async () => {
      const knex = await databases.init(databaseId);
      db = await RegistryDatabase.create({
        database: mockServices.database({ knex }),
      });
      jiraDown = true;
      const subscribers: ModelRegistryEventSubscriber[] = [
        { id: 'slack', deliver: async () => {} },
        {
          id: 'jira',
          filter: { types: ['alias.moved'] },
          retry: { maxAttempts: 1 },
          deliver: async () => {
            if (jiraDown) throw new Error('jira answered 503');
          },
        },
      ];
      dispatcher = new OutboxDispatcher({
        db,
        logger: mockServices.logger.mock(),
        subscribers,
        retry: { maxAttempts: 5, baseDelayMs: 1000, maxDelayMs: 1000 },
      });
      service = new DeliveryService(db, dispatcher);

      await write('model.created', 'churn');
      await write('alias.moved', 'churn');
      await write('alias.moved', 'fraud');
      await dispatcher.dispatch();
    });

    it('lists deliveries newest first, with status, attempts and last error', async () => {
      const page = await service.listDeliveries();
      expect(page.nextCursor).toBeUndefined();
      expect(
        page.items.map(d => [d.eventType, d.model, d.subscriber, d.status]),
      ).toEqual([
        ['alias.moved', 'fraud', 'jira', 'dead'],
        ['alias.moved', 'fraud', 'slack', 'delivered'],
        ['alias.moved', 'churn', 'jira', 'dead'],
        ['alias.moved', 'churn', 'slack', 'delivered'],
        ['model.created', 'churn', 'slack', 'delivered'],
      ]);
      expect(page.items[0]).toEqual({
        eventId: expect.any(String),
        eventType: 'alias.moved',
        model: 'fraud',
        createdAt: expect.any(String),
        subscriber: 'jira',
        status: 'dead',
        attempts: 1,
        lastError: 'Error: jira answered 503',
      });
      expect(page.items[1]).toMatchObject({
        attempts: 0,
        deliveredAt: expect.any(String),
      });
      expect(JSON.parse(JSON.stringify(page))).toEqual(page);
    });

    it('filters by subscriber, status, model and event type', async () => {
      const list = async (
        query: Parameters<DeliveryService['listDeliveries']>[0],
      ) =>
        (await service.listDeliveries(query)).items.map(
          d => `${d.subscriber} ${d.eventType} ${d.model}`,
        );
      expect(await list({ subscriber: 'jira' })).toEqual([
        'jira alias.moved fraud',
        'jira alias.moved churn',
      ]);
      expect(await list({ status: 'delivered', model: 'churn' })).toEqual([
        'slack alias.moved churn',
        'slack model.created churn',
      ]);
      expect(await list({ type: 'model.created' })).toEqual([
        'slack model.created churn',
      ]);
      expect(await list({ subscriber: 'slack', status: 'dead' })).toEqual([]);
    });

    it('pages with a keyset cursor and rejects a forged one', async () => {
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await service.listDeliveries({ limit: 2, cursor });
        expect(page.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.items.map(d => `${d.eventId} ${d.subscriber}`));
        cursor = page.nextCursor;
      } while (cursor);
      const all = (await service.listDeliveries()).items;
      expect(seen).toEqual(all.map(d => `${d.eventId} ${d.subscriber}`));

      await expect(
        service.listDeliveries({ cursor: 'not-a-cursor' }),
      ).rejects.toThrow(InputError);
    });

    it('replays one delivery, and every dead delivery of a subscriber', async () => {
      const [dead] = (await service.listDeliveries({ status: 'dead' })).items;
      expect(
        await service.replayDelivery({
          eventId: dead.eventId,
          subscriber: 'jira',
        }),
      ).toEqual({ replayed: 1 });
      const [replayed] = (
        await service.listDeliveries({ subscriber: 'jira', model: dead.model })
      ).items;
      expect(replayed).toMatchObject({
        status: 'pending',
        attempts: 0,
        nextAttemptAt: expect.any(String),
      });

      jiraDown = false;
      expect(
        await service.replayDeadDeliveries({ subscriber: 'jira' }),
      ).toEqual({
        replayed: 1,
      });
      expect(await dispatcher.dispatch()).toMatchObject({ delivered: 2 });
      expect(
        (await service.listDeliveries({ subscriber: 'jira' })).items.map(
          d => d.status,
        ),
      ).toEqual(['delivered', 'delivered']);
      expect(
        await service.replayDeadDeliveries({ subscriber: 'jira' }),
      ).toEqual({
        replayed: 0,
      });
    });

    it('refuses to replay for an unknown subscriber or a missing delivery', async () => {
      await expect(
        service.replayDeadDeliveries({ subscriber: 'teams' }),
      ).rejects.toThrow(
        new NotFoundError('no event subscriber "teams" is registered'),
      );
      await expect(
        service.replayDelivery({
          eventId: '00000000-0000-4000-8000-000000000000',
          subscriber: 'slack',
        }),
      ).rejects.toThrow(NotFoundError);
    });

    it('lists registered subscribers with their deliveries per status', async () => {
      expect(await service.listSubscribers()).toEqual([
        {
          id: 'slack',
          retry: { maxAttempts: 5, baseDelayMs: 1000, maxDelayMs: 1000 },
          deliveries: { pending: 0, delivered: 3, dead: 0 },
        },
        {
          id: 'jira',
          filter: { types: ['alias.moved'] },
          retry: { maxAttempts: 1, baseDelayMs: 1000, maxDelayMs: 1000 },
          deliveries: { pending: 0, delivered: 0, dead: 2 },
        },
      ]);
    });
  },
);
