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

/** A subscriber as the outbox sees it: its id and which events it takes. */
export interface OutboxSubscription {
  id: string;
  /** Every field given must match, as `matchesFilter` checks it. */
  filter?: { types?: readonly string[]; models?: readonly string[] };
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
   * Writes an event, in the transaction of the change, so an event exists
   * exactly when its change does. Its deliveries are created later, in
   * bulk, by {@link OutboxStore.fanOut}.
   */
  enqueue(
    event: { type: string; model?: string; payload: Record<string, unknown> },
    now: Date,
  ): Promise<void>;
  /**
   * Starts the fan-out of the current subscribers that have no position
   * yet after the newest event written before `installedAt`: events written
   * before a subscriber was installed are not delivered to it.
   */
  register(installedAt: Date): Promise<void>;
  /**
   * Creates the pending deliveries of every event a current subscriber
   * accepts and has none of yet; resolves to how many.
   */
  fanOut(): Promise<number>;
  /**
   * Claims the pending deliveries of a subscriber due at `now`, oldest event
   * first: they are due again only at `leaseUntil`, so no other dispatcher
   * takes them meanwhile, and one that stops mid-delivery leaves them to
   * the next after that.
   */
  claim(
    subscriber: string,
    now: Date,
    limit: number,
    leaseUntil: Date,
  ): Promise<DueDelivery[]>;
  /** Makes claimed deliveries due at `at` again, not attempted. */
  release(seqs: number[], subscriber: string, at: Date): Promise<void>;
  /** Records successful deliveries of events to a subscriber. */
  markDelivered(seqs: number[], subscriber: string, now: Date): Promise<void>;
  /**
   * Records a failed attempt: the delivery is retried at `retryAt`, or is
   * dead without one.
   */
  markFailed(
    seq: number,
    subscriber: string,
    failure: { attempts: number; error: string; retryAt?: Date },
  ): Promise<void>;
  /**
   * Lists deliveries, those of events not fanned out yet included (pending,
   * no attempts).
   */
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
  /**
   * Removes events older than `before` whose deliveries all succeeded and
   * that every current subscriber is past.
   */
  prune(before: Date): Promise<number>;
}

/**
 * How long a hole in the event ids may be an open transaction. PostgreSQL
 * hands out ids when rows are inserted, not when they commit, so id 10 may
 * become visible after id 11; or never, when its transaction rolls back.
 * See {@link DatabaseOutboxStore.fanOut}.
 */
export const OUTBOX_HOLE_HORIZON_SECONDS = 300;

/** Event ids read per run to advance the fan-out positions. */
const SCAN_LIMIT = 5_000;

const DELIVERY_COLUMNS = [
  'event_seq',
  'subscriber',
  'status',
  'attempts',
  'last_error',
  'next_attempt_at',
  'delivered_at',
  'event_id',
  'type',
  'model_name',
  'created_at',
];

/** The outbox in the registry's database. */
export class DatabaseOutboxStore implements OutboxStore {
  private readonly isPostgres: boolean;

  constructor(
    private readonly db: Knex,
    private readonly subscriptions: () => OutboxSubscription[],
  ) {
    this.isPostgres = db.client.config.client === 'pg';
  }

  async enqueue(
    event: { type: string; model?: string; payload: Record<string, unknown> },
    now: Date,
  ): Promise<void> {
    await this.db('outbox_events').insert({
      event_id: randomUUID(),
      type: event.type,
      model_name: event.model ?? null,
      payload: JSON.stringify(event.payload),
      created_at: now,
    });
  }

  async register(installedAt: Date): Promise<void> {
    const ids = this.subscriptions().map(s => s.id);
    if (ids.length === 0) return;
    const [{ last }] = await this.db('outbox_events')
      .where('created_at', '<', installedAt)
      .max({ last: 'id' });
    await this.db('outbox_subscribers')
      .insert(
        ids.map(subscriber => ({
          subscriber,
          fanned_out_to: Number(last ?? 0),
          installed_at: installedAt,
        })),
      )
      .onConflict('subscriber')
      .ignore();
  }

  /**
   * The fan-out. Each subscriber has a position, `fanned_out_to`: every
   * event up to it that the subscriber accepts has its delivery row. A run
   *
   * 1. reads the ids above the lowest position, in order, and finds the
   *    settled mark: the highest id below which there is no hole that may
   *    still fill. A hole is an id handed out to a transaction that has not
   *    committed yet, or that rolled back (or a pruned event). The ids after
   *    a hole are visible, so the hole's id was handed out before theirs;
   *    once the event after it was written more than
   *    OUTBOX_HOLE_HORIZON_SECONDS ago by the database's clock
   *    (`written_at`), the hole belongs to a rollback, or to a transaction
   *    that kept its event uncommitted that long, and the mark passes it.
   *    On SQLite, one writer at a time, ids become visible in order and
   *    every hole is final.
   * 2. per subscriber, in one `INSERT … SELECT`, creates the deliveries of
   *    every accepted event above its position that has none (the anti-join
   *    `NOT EXISTS`), up to the newest visible event, past the mark too:
   *    an event that commits later inside that range is found by the next
   *    run's anti-join, because the position only moves up to the mark.
   * 3. moves each position up to the mark.
   *
   * A naive cursor (`id > last seen`, then last seen = max id) would skip
   * the event of a transaction that commits after a later one. Here the
   * range the anti-join covers is what lies above the settled mark: a few
   * runs' worth of events, or OUTBOX_HOLE_HORIZON_SECONDS of them while a
   * hole is young. The statement of step 2 runs after the read of step 1,
   * so it sees every event the mark was computed from; two runs at once
   * (they should not, the dispatcher is a global task) create each delivery
   * once, thanks to the primary key and `ON CONFLICT DO NOTHING`, and
   * positions only move up.
   */
  async fanOut(): Promise<number> {
    const subscriptions = this.subscriptions();
    if (subscriptions.length === 0) return 0;
    const positions = new Map<string, number>(
      (
        await this.db('outbox_subscribers')
          .whereIn(
            'subscriber',
            subscriptions.map(s => s.id),
          )
          .select('subscriber', 'fanned_out_to')
      ).map(row => [row.subscriber, Number(row.fanned_out_to)]),
    );
    const registered = subscriptions.filter(s => positions.has(s.id));
    if (registered.length === 0) return 0;
    const lowest = Math.min(...registered.map(s => positions.get(s.id)!));
    const mark = await this.settledMark(lowest);

    let created = 0;
    for (const subscription of registered) {
      const from = positions.get(subscription.id)!;
      const select = this.accepted(
        this.db('outbox_events as e').where('e.id', '>', from),
        subscription,
      ).select(
        'e.id',
        this.db.raw('cast(? as varchar(64))', [subscription.id]),
        this.db.raw("'pending'"),
        this.db.raw('0'),
        'e.created_at',
      );
      const { sql, bindings } = select.toSQL();
      const result = await this.db.raw(
        `insert into outbox_deliveries (event_seq, subscriber, status, attempts, next_attempt_at) ${sql} on conflict (event_seq, subscriber) do nothing`,
        bindings,
      );
      created += Number(result?.rowCount ?? result?.changes ?? 0);
      if (mark > from) {
        await this.db('outbox_subscribers')
          .where('subscriber', subscription.id)
          .where('fanned_out_to', '<', mark)
          .update({ fanned_out_to: mark });
      }
    }
    return created;
  }

  /** See {@link DatabaseOutboxStore.fanOut}, step 1. */
  private async settledMark(from: number): Promise<number> {
    const old = this.isPostgres
      ? this.db.raw(
          `(written_at is null or written_at <= clock_timestamp() - interval '${OUTBOX_HOLE_HORIZON_SECONDS} seconds') as old`,
        )
      : this.db.raw('1 as old');
    const rows: Array<{ id: number | string; old: boolean | number }> =
      await this.db('outbox_events')
        .where('id', '>', from)
        .orderBy('id')
        .limit(SCAN_LIMIT)
        .select('id', old);
    let mark = from;
    for (const row of rows) {
      const id = Number(row.id);
      if (id !== mark + 1 && !row.old) break;
      mark = id;
    }
    return mark;
  }

  /**
   * The events of `events` (aliased `e`) that the subscriber accepts and has
   * no delivery of.
   */
  private accepted(
    events: Knex.QueryBuilder,
    subscription: OutboxSubscription,
  ) {
    const { types, models } = subscription.filter ?? {};
    if (types) events.whereIn('e.type', [...types]);
    if (models) events.whereIn('e.model_name', [...models]);
    return events.whereNotExists(
      this.db('outbox_deliveries as d')
        .select(this.db.raw('1'))
        .whereRaw('d.event_seq = e.id')
        .where('d.subscriber', subscription.id),
    );
  }

  /** Accepted events above the subscriber's position without a delivery. */
  private notFannedOut(subscription: OutboxSubscription) {
    return this.accepted(
      this.db('outbox_events as e').whereRaw(
        'e.id > (select fanned_out_to from outbox_subscribers where subscriber = ?)',
        [subscription.id],
      ),
      subscription,
    );
  }

  async claim(
    subscriber: string,
    now: Date,
    limit: number,
    leaseUntil: Date,
  ): Promise<DueDelivery[]> {
    const due = (q: Knex.QueryBuilder) =>
      q
        .where({ subscriber, status: 'pending' })
        .where('next_attempt_at', '<=', now);
    const pick = due(this.db('outbox_deliveries'))
      .select('event_seq')
      .orderBy('event_seq')
      .limit(limit);
    let update: Knex.QueryBuilder;
    if (this.isPostgres) {
      // Rows another dispatcher is claiming right now are skipped, not
      // waited for. The pick is a materialized CTE: as a plain `IN
      // (subquery)` the planner may rescan it, and each rescan with SKIP
      // LOCKED can pick other rows, claiming more than `limit`.
      pick.forUpdate().skipLocked();
      update = this.db
        .withMaterialized('picked', pick)
        .from('outbox_deliveries')
        .where({ subscriber })
        .whereIn('event_seq', this.db('picked').select('event_seq'));
    } else {
      update = due(this.db('outbox_deliveries')).whereIn('event_seq', pick);
    }
    const claimed: Array<{ event_seq: number | string; attempts: number }> =
      await update.update({ next_attempt_at: leaseUntil }, [
        'event_seq',
        'attempts',
      ]);
    if (claimed.length === 0) return [];
    const events = new Map(
      (
        await this.db('outbox_events')
          .whereIn(
            'id',
            claimed.map(c => Number(c.event_seq)),
          )
          .select(
            'id',
            'event_id',
            'type',
            'model_name',
            'payload',
            'created_at',
          )
      ).map(row => [Number(row.id), row]),
    );
    return claimed
      .map(c => ({ seq: Number(c.event_seq), attempts: Number(c.attempts) }))
      .sort((a, b) => a.seq - b.seq)
      .flatMap(({ seq, attempts }) => {
        const row = events.get(seq);
        if (!row) return [];
        return [
          {
            seq,
            subscriber,
            attempts,
            event: {
              eventId: row.event_id,
              type: row.type as ModelRegistryEventType,
              model: row.model_name ?? undefined,
              payload: parseJson(row.payload, {}),
              createdAt: toIsoString(row.created_at),
            },
          },
        ];
      });
  }

  async release(seqs: number[], subscriber: string, at: Date) {
    if (seqs.length === 0) return;
    await this.db('outbox_deliveries')
      .where({ subscriber, status: 'pending' })
      .whereIn('event_seq', seqs)
      .update({ next_attempt_at: at });
  }

  async markDelivered(seqs: number[], subscriber: string, now: Date) {
    if (seqs.length === 0) return;
    await this.db('outbox_deliveries')
      .where({ subscriber })
      .whereIn('event_seq', seqs)
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
    const real = this.db('outbox_deliveries as d')
      .join('outbox_events as e', 'e.id', 'd.event_seq')
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
    // Events the dispatcher has not fanned out yet are pending deliveries
    // with no attempts, due since they were written.
    const notYet =
      query.status && query.status !== 'pending'
        ? []
        : this.subscriptions()
            .filter(s => !query.subscriber || s.id === query.subscriber)
            .map(s =>
              this.notFannedOut(s).select(
                'e.id as event_seq',
                this.db.raw('cast(? as varchar(64)) as subscriber', [s.id]),
                this.db.raw("'pending' as status"),
                this.db.raw('0 as attempts'),
                this.db.raw('null as last_error'),
                'e.created_at as next_attempt_at',
                this.db.raw('null as delivered_at'),
                'e.event_id',
                'e.type',
                'e.model_name',
                'e.created_at',
              ),
            );
    const q = this.db
      .from((notYet.length > 0 ? real.unionAll(notYet) : real).as('u'))
      .orderBy([
        { column: 'u.event_seq', order: 'desc' },
        { column: 'u.subscriber', order: 'asc' },
      ])
      .limit(query.limit)
      .select(DELIVERY_COLUMNS.map(c => `u.${c}`));
    if (query.subscriber) q.where('u.subscriber', query.subscriber);
    if (query.status) q.where('u.status', query.status);
    if (query.model) q.where('u.model_name', query.model);
    if (query.type) q.where('u.type', query.type);
    const after = query.after;
    if (after) {
      q.where(w =>
        w
          .where('u.event_seq', '<', after.seq)
          .orWhere(eq =>
            eq
              .where('u.event_seq', after.seq)
              .where('u.subscriber', '>', after.subscriber),
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
    const replayed = await q.update({
      status: 'pending',
      attempts: 0,
      next_attempt_at: now,
      delivered_at: null,
    });
    const subscription = this.subscriptions().find(
      s => s.id === which.subscriber,
    );
    if (replayed > 0 || !('eventId' in which) || !subscription) {
      return replayed;
    }
    // The event is not fanned out yet: its delivery is created, due now.
    const select = this.notFannedOut(subscription)
      .where('e.event_id', which.eventId)
      .select(
        'e.id',
        this.db.raw('cast(? as varchar(64))', [subscription.id]),
        this.db.raw("'pending'"),
        this.db.raw('0'),
        this.db.raw('?', [now]),
      );
    const { sql, bindings } = select.toSQL();
    const result = await this.db.raw(
      `insert into outbox_deliveries (event_seq, subscriber, status, attempts, next_attempt_at) ${sql} on conflict (event_seq, subscriber) do nothing`,
      bindings,
    );
    return Number(result?.rowCount ?? result?.changes ?? 0);
  }

  async countByStatus() {
    const rows: Array<{ subscriber: string; status: string; count: unknown }> =
      await this.db('outbox_deliveries')
        .groupBy('subscriber', 'status')
        .select('subscriber', 'status')
        .count({ count: '*' });
    const counts = rows.map(row => ({
      subscriber: row.subscriber,
      status: row.status as OutboxDeliveryStatus,
      count: Number(row.count),
    }));
    for (const subscription of this.subscriptions()) {
      const [{ count }] = await this.notFannedOut(subscription).count({
        count: '*',
      });
      if (Number(count) === 0) continue;
      const pending = counts.find(
        c => c.subscriber === subscription.id && c.status === 'pending',
      );
      if (pending) pending.count += Number(count);
      else {
        counts.push({
          subscriber: subscription.id,
          status: 'pending',
          count: Number(count),
        });
      }
    }
    return counts;
  }

  async prune(before: Date): Promise<number> {
    const q = this.db('outbox_events')
      .where('created_at', '<', before)
      .whereNotExists(
        this.db('outbox_deliveries as d')
          .select(this.db.raw('1'))
          .whereRaw('d.event_seq = outbox_events.id')
          .whereNot('d.status', 'delivered'),
      );
    const ids = this.subscriptions().map(s => s.id);
    if (ids.length > 0) {
      // Not before every current subscriber has its deliveries.
      q.where(
        'id',
        '<=',
        this.db('outbox_subscribers')
          .whereIn('subscriber', ids)
          .min('fanned_out_to'),
      );
    }
    return q.delete();
  }
}
