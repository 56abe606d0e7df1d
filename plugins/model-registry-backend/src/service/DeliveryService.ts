import { NotFoundError } from '@backstage/errors';
import {
  Delivery,
  modelRegistrySchemas,
  Page,
  SubscriberSummary,
} from '@mlreg/plugin-model-registry-common';
import { z } from 'zod';
import { RegistryDatabase } from '../database/RegistryDatabase';
import { OutboxDispatcher } from '../outbox/OutboxDispatcher';
import { Position, readPage } from './cursor';

/** Which deliveries {@link DeliveryService.listDeliveries} lists. */
export type DeliveryQuery = z.output<
  typeof modelRegistrySchemas.listDeliveriesQuery
>;

const isPosition = (c: Position) =>
  Number.isSafeInteger(c.seq) && typeof c.subscriber === 'string'
    ? { seq: c.seq as number, subscriber: c.subscriber }
    : undefined;

/**
 * The outbox's delivery log and manual replay, for operators. Every method
 * takes and returns plain JSON; HTTP and permission checks
 * (`model-registry.delivery.read` / `.replay`) belong to the caller.
 */
export class DeliveryService {
  constructor(
    private readonly db: RegistryDatabase,
    private readonly dispatcher: OutboxDispatcher,
  ) {}

  /**
   * Lists deliveries newest event first (then by subscriber), filtered by
   * every field of `query` given. Throws `InputError` for a cursor this
   * method did not return.
   */
  async listDeliveries(query: DeliveryQuery = {}): Promise<Page<Delivery>> {
    const page = await readPage({
      cursor: query.cursor,
      limit: Math.min(Math.max(query.limit ?? 50, 1), 100),
      accept: isPosition,
      read: (after, limit) =>
        this.db.read.outbox.list({
          subscriber: query.subscriber,
          status: query.status,
          model: query.model,
          type: query.type,
          limit,
          after,
        }),
      position: row => ({ seq: row.seq, subscriber: row.subscriber }),
    });
    return { ...page, items: page.items.map(({ seq: _, ...row }) => row) };
  }

  /**
   * Delivers an event to a subscriber again, whatever the delivery's status:
   * it becomes pending with no attempts, due now. Throws `NotFoundError` for
   * an unregistered subscriber or a delivery that does not exist.
   */
  async replayDelivery(request: {
    eventId: string;
    subscriber: string;
  }): Promise<{ replayed: number }> {
    this.assertRegistered(request.subscriber);
    const replayed = await this.db.read.outbox.replay(request, new Date());
    if (replayed === 0) {
      throw new NotFoundError(
        `no delivery of event ${request.eventId} to ${request.subscriber}`,
      );
    }
    this.dispatcher.poke();
    return { replayed };
  }

  /**
   * Makes every dead delivery of a subscriber pending again with no
   * attempts, due now. Throws `NotFoundError` for an unregistered subscriber.
   */
  async replayDeadDeliveries(request: {
    subscriber: string;
  }): Promise<{ replayed: number }> {
    this.assertRegistered(request.subscriber);
    const replayed = await this.db.read.outbox.replay(
      { subscriber: request.subscriber, status: 'dead' },
      new Date(),
    );
    if (replayed > 0) this.dispatcher.poke();
    return { replayed };
  }

  /** Every registered subscriber with its deliveries per status. */
  async listSubscribers(): Promise<SubscriberSummary[]> {
    const counts = await this.db.read.outbox.countByStatus();
    return this.dispatcher.subscriptions().map(subscription => {
      const deliveries: SubscriberSummary['deliveries'] = {
        pending: 0,
        delivered: 0,
        dead: 0,
      };
      for (const row of counts) {
        if (row.subscriber === subscription.id) {
          deliveries[row.status] = row.count;
        }
      }
      return { ...subscription, deliveries };
    });
  }

  private assertRegistered(subscriber: string) {
    if (!this.dispatcher.subscriptions().some(s => s.id === subscriber)) {
      throw new NotFoundError(
        `no event subscriber "${subscriber}" is registered`,
      );
    }
  }
}
