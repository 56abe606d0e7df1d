import { Delivery, DeliveryStatus } from '@mlreg/plugin-model-registry-common';
import {
  ModelRegistryEvent,
  ModelRegistryEventType,
} from '@mlreg/plugin-model-registry-node';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { parseJson, toIsoString } from './util';

/** Where a delivery stands: due, done, or out of attempts. */
export type OutboxDeliveryStatus = DeliveryStatus;

/** A subscriber as the outbox sees it when an event is written. */
export interface OutboxSubscription {
  id: string;
  /** Whether the subscriber gets a delivery of an event. */
  accepts(event: { type: string; model?: string }): boolean;
}

/** A delivery that is due, with the event it carries. */
export interface DueDelivery {
  seq: number;
  subscriber: string;
  attempts: number;
  event: ModelRegistryEvent;
}

/** One delivery of one event to one subscriber, as the delivery log shows it. */
/** A delivery as the log lists it, with its position for paging. */
export type OutboxDelivery = Delivery & {
  /** Position in the outbox, for paging. */
  seq: number;
};

/** Which deliveries to list, newest event first. */
export interface OutboxDeliveryQuery {
  subscriber?: string;
  status?: OutboxDeliveryStatus;
  model?: string;
  type?: string;
  /** Rows to read. */
  limit: number;
  /** Lists the deliveries after this one. */
  after?: { seq: number; subscriber: string };
}

/** The transactional outbox and its per-subscriber deliveries. */
export interface OutboxStore {
  /**
   * Writes an event with one pending delivery per subscriber that accepts
   * it. Runs in the transaction of the change, so an event exists exactly
   * when its change does.
   */
  enqueue(
    event: { type: string; model?: string; payload: Record<string, unknown> },
    now: Date,
  ): Promise<void>;
  /** Pending deliveries of a subscriber due at `now`, oldest event first. */
  due(subscriber: string, now: Date, limit: number): Promise<DueDelivery[]>;
  markDelivered(seq: number, subscriber: string, now: Date): Promise<void>;
  /**
   * Records a failed attempt: the delivery is retried at `retryAt`, or is
   * dead without one.
   */
  markFailed(
    seq: number,
    subscriber: string,
    failure: { attempts: number; error: string; retryAt?: Date },
  ): Promise<void>;
  list(query: OutboxDeliveryQuery): Promise<OutboxDelivery[]>;
  /**
   * Makes deliveries of a subscriber pending again with no attempts, due at
   * `now`: the one of an event, or all in a status. Resolves to how many.
   */
  replay(
    which: { subscriber: string } & (
      | { eventId: string }
      | { status: OutboxDeliveryStatus }
    ),
    now: Date,
  ): Promise<number>;
  /** How many deliveries each subscriber has in each status. */
  countByStatus(): Promise<
    Array<{ subscriber: string; status: OutboxDeliveryStatus; count: number }>
  >;
  /** Removes events older than `before` whose deliveries all succeeded. */
  prune(before: Date): Promise<number>;
}

/** The outbox in the registry's database. */
export class DatabaseOutboxStore implements OutboxStore {
  constructor(
    private readonly db: Knex,
    private readonly subscriptions: () => OutboxSubscription[],
  ) {}

  async enqueue(
    event: { type: string; model?: string; payload: Record<string, unknown> },
    now: Date,
  ): Promise<void> {
    const [row] = await this.db('outbox_events')
      .insert({
        event_id: randomUUID(),
        type: event.type,
        model_name: event.model ?? null,
        payload: JSON.stringify(event.payload),
        created_at: now,
      })
      .returning('id');
    const seq = typeof row === 'object' ? row.id : row;
    const subscribers = this.subscriptions().filter(s => s.accepts(event));
    if (subscribers.length > 0) {
      await this.db('outbox_deliveries').insert(
        subscribers.map(subscriber => ({
          event_seq: seq,
          subscriber: subscriber.id,
          status: 'pending',
          attempts: 0,
          next_attempt_at: now,
        })),
      );
    }
  }

  async due(
    subscriber: string,
    now: Date,
    limit: number,
  ): Promise<DueDelivery[]> {
    const rows = await this.db('outbox_deliveries as d')
      .join('outbox_events as e', 'e.id', 'd.event_seq')
      .where({ 'd.subscriber': subscriber, 'd.status': 'pending' })
      .where('d.next_attempt_at', '<=', now)
      .orderBy('d.event_seq')
      .limit(limit)
      .select(
        'd.event_seq',
        'd.attempts',
        'e.event_id',
        'e.type',
        'e.model_name',
        'e.payload',
        'e.created_at',
      );
    return rows.map(row => ({
      seq: Number(row.event_seq),
      subscriber,
      attempts: Number(row.attempts),
      event: {
        eventId: row.event_id,
        type: row.type as ModelRegistryEventType,
        model: row.model_name ?? undefined,
        payload: parseJson(row.payload, {}),
        createdAt: toIsoString(row.created_at),
      },
    }));
  }

  async markDelivered(seq: number, subscriber: string, now: Date) {
    await this.db('outbox_deliveries')
      .where({ event_seq: seq, subscriber })
      .update({ status: 'delivered', delivered_at: now, last_error: null });
  }

  async markFailed(
    seq: number,
    subscriber: string,
    failure: { attempts: number; error: string; retryAt?: Date },
  ) {
    await this.db('outbox_deliveries')
      .where({ event_seq: seq, subscriber })
      .update({
        status: failure.retryAt ? 'pending' : 'dead',
        attempts: failure.attempts,
        ...(failure.retryAt && { next_attempt_at: failure.retryAt }),
        last_error: failure.error.slice(0, 2000),
      });
  }

  async list(query: OutboxDeliveryQuery): Promise<OutboxDelivery[]> {
    const q = this.db('outbox_deliveries as d')
      .join('outbox_events as e', 'e.id', 'd.event_seq')
      .orderBy([
        { column: 'd.event_seq', order: 'desc' },
        { column: 'd.subscriber', order: 'asc' },
      ])
      .limit(query.limit)
      .select(
        'd.event_seq',
        'd.subscriber',
        'd.status',
        'd.attempts',
        'd.last_error',
        'd.next_attempt_at',
        'd.delivered_at',
        'e.event_id',
        'e.type',
        'e.model_name',
        'e.created_at',
      );
    if (query.subscriber) q.where('d.subscriber', query.subscriber);
    if (query.status) q.where('d.status', query.status);
    if (query.model) q.where('e.model_name', query.model);
    if (query.type) q.where('e.type', query.type);
    const after = query.after;
    if (after) {
      q.where(w =>
        w
          .where('d.event_seq', '<', after.seq)
          .orWhere(eq =>
            eq
              .where('d.event_seq', after.seq)
              .where('d.subscriber', '>', after.subscriber),
          ),
      );
    }
    const rows = await q;
    return rows.map(row => ({
      seq: Number(row.event_seq),
      eventId: row.event_id,
      eventType: row.type,
      model: row.model_name ?? undefined,
      createdAt: toIsoString(row.created_at),
      subscriber: row.subscriber,
      status: row.status,
      attempts: Number(row.attempts),
      lastError: row.last_error ?? undefined,
      nextAttemptAt:
        row.status === 'pending' ? toIsoString(row.next_attempt_at) : undefined,
      deliveredAt: row.delivered_at ? toIsoString(row.delivered_at) : undefined,
    }));
  }

  async replay(
    which: { subscriber: string } & (
      | { eventId: string }
      | { status: OutboxDeliveryStatus }
    ),
    now: Date,
  ): Promise<number> {
    const q = this.db('outbox_deliveries').where(
      'subscriber',
      which.subscriber,
    );
    if ('eventId' in which) {
      q.whereIn(
        'event_seq',
        this.db('outbox_events').select('id').where('event_id', which.eventId),
      );
    } else {
      q.where('status', which.status);
    }
    return q.update({
      status: 'pending',
      attempts: 0,
      next_attempt_at: now,
      delivered_at: null,
    });
  }

  async countByStatus() {
    const rows: Array<{ subscriber: string; status: string; count: unknown }> =
      await this.db('outbox_deliveries')
        .groupBy('subscriber', 'status')
        .select('subscriber', 'status')
        .count({ count: '*' });
    return rows.map(row => ({
      subscriber: row.subscriber,
      status: row.status as OutboxDeliveryStatus,
      count: Number(row.count),
    }));
  }

  async prune(before: Date): Promise<number> {
    return this.db('outbox_events')
      .where('created_at', '<', before)
      .whereNotExists(
        this.db('outbox_deliveries as d')
          .select(this.db.raw('1'))
          .whereRaw('d.event_seq = outbox_events.id')
          .whereNot('d.status', 'delivered'),
      )
      .delete();
  }
}
