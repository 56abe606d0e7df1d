import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { parseJson, toIsoString } from './util';

/** A domain event, as handed to subscribers. */
export interface OutboxEvent {
  /** Unique per event: the idempotency key subscribers deduplicate by. */
  eventId: string;
  type: string;
  model?: string;
  payload: Record<string, unknown>;
  createdAt: string;
}

/** A delivery that is due, with the event it carries. */
export interface DueDelivery {
  seq: number;
  subscriber: string;
  attempts: number;
  event: OutboxEvent;
}

/** SQL for the transactional outbox and its per-subscriber deliveries. */
export class OutboxStore {
  constructor(
    private readonly db: Knex,
    private readonly subscribers: () => string[],
  ) {}

  /**
   * Writes an event with one pending delivery per subscriber. Runs in the
   * transaction of the change, so an event exists exactly when its change does.
   */
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
    const subscribers = this.subscribers();
    if (subscribers.length > 0) {
      await this.db('outbox_deliveries').insert(
        subscribers.map(subscriber => ({
          event_seq: seq,
          subscriber,
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
      .where('d.subscriber', subscriber)
      .whereNull('d.delivered_at')
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
        type: row.type,
        model: row.model_name ?? undefined,
        payload: parseJson(row.payload, {}),
        createdAt: toIsoString(row.created_at),
      },
    }));
  }

  async markDelivered(seq: number, subscriber: string, now: Date) {
    await this.db('outbox_deliveries')
      .where({ event_seq: seq, subscriber })
      .update({ delivered_at: now, last_error: null });
  }

  async markFailed(
    seq: number,
    subscriber: string,
    attempts: number,
    nextAttemptAt: Date,
    error: string,
  ) {
    await this.db('outbox_deliveries')
      .where({ event_seq: seq, subscriber })
      .update({
        attempts,
        next_attempt_at: nextAttemptAt,
        last_error: error.slice(0, 2000),
      });
  }

  /** Removes events older than `before` whose deliveries all succeeded. */
  async prune(before: Date): Promise<number> {
    return this.db('outbox_events')
      .where('created_at', '<', before)
      .whereNotExists(
        this.db('outbox_deliveries as d')
          .select(this.db.raw('1'))
          .whereRaw('d.event_seq = outbox_events.id')
          .whereNull('d.delivered_at'),
      )
      .delete();
  }
}
