import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import {
  ModelRegistryEvent,
  ModelRegistryEventFilter,
  ModelRegistryEventSubscriber,
  ModelRegistryRetryPolicy,
} from '@mlreg/plugin-model-registry-node';
import { RegistryDatabase } from '../database/RegistryDatabase';
import { withDefaults } from './subscriptions';

const DISPATCHER_TASK_ID = 'model-registry-outbox-dispatcher';

/** A subscriber the dispatcher delivers to, with its effective retry policy. */
export interface DispatcherSubscription {
  id: string;
  filter?: ModelRegistryEventFilter;
  retry: ModelRegistryRetryPolicy;
}

export interface OutboxDispatcherOptions {
  db: RegistryDatabase;
  logger: LoggerService;
  /** Checked subscribers with unique ids, see `checkSubscriber`. */
  subscribers: ModelRegistryEventSubscriber[];
  /** The retry policy of subscribers that set none of their own. */
  retry: ModelRegistryRetryPolicy;
  /** Deliveries per subscriber and run. */
  batchSize?: number;
  /** Delivered events are kept this long. */
  retentionMs?: number;
  /**
   * How long a claimed delivery is reserved for this dispatcher: a delivery
   * whose dispatcher stopped is due again after this, and a subscriber that
   * takes longer counts as a failed attempt.
   */
  leaseMs?: number;
}

/**
 * How long the receiver asked to wait before the next attempt: the
 * `retryAfterMs` of a `ModelRegistryDeliveryRetryAfterError` (checked by
 * shape, whichever copy of the node package threw it), else 0.
 */
function retryAfterMs(error: unknown): number {
  const value = (error as { retryAfterMs?: unknown } | undefined)?.retryAfterMs;
  return typeof value === 'number' && Number.isFinite(value) && value > 0
    ? value
    : 0;
}

/** See {@link OutboxDispatcherOptions.leaseMs}. */
export const DEFAULT_LEASE_MS = 2 * 60_000;

/**
 * Hands outbox events to subscribers, retrying each subscriber's failures
 * with exponential backoff until its attempts run out; the delivery is then
 * dead until replayed. State lives in the database only, so a restart or
 * another replica picks up exactly where the last run stopped.
 *
 * Across replicas, each delivery is attempted by one dispatcher at a time:
 * the scheduled run is a global task (one replica runs it, see `schedule`),
 * and every run claims its deliveries for a lease (`leaseMs`) before calling
 * `deliver`, with `FOR UPDATE SKIP LOCKED` on PostgreSQL. A run that is
 * aborted (its backend stops, or the scheduler's timeout) stops waiting for
 * the delivery in hand and leaves it claimed until its lease ends, so a
 * subscriber call that is still going cannot overlap another replica's
 * attempt; the deliveries it had claimed and not started are released.
 */
export class OutboxDispatcher {
  private readonly db: RegistryDatabase;
  private readonly logger: LoggerService;
  private readonly subscribers: Array<{
    subscriber: ModelRegistryEventSubscriber;
    retry: ModelRegistryRetryPolicy;
  }>;
  private readonly batchSize: number;
  private readonly retentionMs: number;
  private readonly leaseMs: number;
  private readonly installedAt = new Date();
  private registered?: Promise<void>;
  private scheduler?: SchedulerService;
  private lastPoke = 0;
  /** A poke waiting for the end of the 500 ms window. */
  private pending?: NodeJS.Timeout;
  /** Pokes in a row that found a run going. */
  private busyPokes = 0;
  /** Whether the last run claimed a full batch of some subscriber. */
  private backlog = false;
  private lastPrune = 0;

  constructor(options: OutboxDispatcherOptions) {
    this.db = options.db;
    this.logger = options.logger;
    this.batchSize = options.batchSize ?? 100;
    this.retentionMs = options.retentionMs ?? 7 * 24 * 60 * 60_000;
    this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.subscribers = options.subscribers.map(subscriber => ({
      subscriber,
      retry: withDefaults(options.retry, subscriber.retry),
    }));
    for (const { subscriber } of this.subscribers) {
      this.db.addOutboxSubscriber({
        id: subscriber.id,
        filter: subscriber.filter,
      });
    }
  }

  /** The subscribers delivered to, in registration order. */
  subscriptions(): DispatcherSubscription[] {
    return this.subscribers.map(({ subscriber, retry }) => ({
      id: subscriber.id,
      filter: subscriber.filter,
      retry,
    }));
  }

  /**
   * Gives the subscribers that have no fan-out position yet one, once per
   * dispatcher: events written before the dispatcher was created are not
   * delivered to a subscriber new to the registry.
   */
  private ready(): Promise<void> {
    this.registered ??= this.db.read.outbox
      .register(this.installedAt)
      .catch(error => {
        this.registered = undefined;
        throw error;
      });
    return this.registered;
  }

  /**
   * Creates the deliveries of new events and delivers what is due; resolves
   * to the number delivered, failed and retried later, and failed for the
   * last time (now dead). Stops early when `signal` aborts.
   */
  async dispatch(
    now = new Date(),
    signal?: AbortSignal,
  ): Promise<{ delivered: number; failed: number; dead: number }> {
    const counts = { delivered: 0, failed: 0, dead: 0 };
    this.backlog = false;
    await this.ready();
    await this.db.read.outbox.fanOut();
    for (const { subscriber, retry } of this.subscribers) {
      if (signal?.aborted) break;
      // Real time: `now` may be ahead in tests, and the lease must outlast
      // the attempt in both frames.
      const deadline = Date.now() + this.leaseMs;
      const due = await this.db.read.outbox.claim(
        subscriber.id,
        now,
        this.batchSize,
        new Date(Math.max(now.getTime(), Date.now()) + this.leaseMs),
      );
      if (due.length === this.batchSize) this.backlog = true;
      // Successes are recorded together, at the end of the batch or before
      // a failure is: one statement instead of one per event. A dispatcher
      // that dies before recording them delivers them again after the
      // lease, as at-least-once allows.
      const delivered: number[] = [];
      const flush = async () => {
        await this.db.read.outbox.markDelivered(
          delivered.splice(0),
          subscriber.id,
          new Date(),
        );
      };
      for (const [index, delivery] of due.entries()) {
        // Too little of the lease left, or stopping: the rest are released
        // for the next run, here or on another replica.
        if (signal?.aborted || deadline - Date.now() < this.leaseMs / 4) {
          await this.db.read.outbox.release(
            due.slice(index).map(d => d.seq),
            subscriber.id,
            now,
          );
          break;
        }
        const outcome = await this.attempt(
          subscriber,
          delivery.event,
          deadline,
          signal,
        );
        if (outcome.result === 'abandoned') continue;
        if (outcome.result === 'delivered') {
          delivered.push(delivery.seq);
          counts.delivered += 1;
          continue;
        }
        await flush();
        const error = outcome.error;
        const attempts = delivery.attempts + 1;
        const what = `Outbox delivery of ${delivery.event.type} ${delivery.event.eventId} to ${subscriber.id}`;
        if (attempts >= retry.maxAttempts) {
          await this.db.read.outbox.markFailed(delivery.seq, subscriber.id, {
            attempts,
            error: String(error),
          });
          this.logger.error(
            `${what} failed ${attempts} times and is dead until replayed: ${error}`,
          );
          counts.dead += 1;
          continue;
        }
        const delay = Math.max(
          Math.min(retry.baseDelayMs * 2 ** (attempts - 1), retry.maxDelayMs),
          retryAfterMs(error),
        );
        await this.db.read.outbox.markFailed(delivery.seq, subscriber.id, {
          attempts,
          error: String(error),
          retryAt: new Date(Date.now() + delay),
        });
        this.logger.warn(
          `${what} failed (attempt ${attempts} of ${retry.maxAttempts}), retrying in ${delay} ms: ${error}`,
        );
        counts.failed += 1;
      }
      await flush();
    }
    // Pruning scans the outbox; once an hour is plenty.
    if (now.getTime() - this.lastPrune >= 60 * 60_000) {
      this.lastPrune = now.getTime();
      await this.db.read.outbox.prune(
        new Date(now.getTime() - this.retentionMs),
      );
    }
    return counts;
  }

  /**
   * Calls `deliver`, waiting until the lease's `deadline` (then the attempt
   * failed) or until `signal` aborts (then it is abandoned: the delivery
   * stays claimed until its lease ends, in case the call still completes).
   */
  private async attempt(
    subscriber: ModelRegistryEventSubscriber,
    event: ModelRegistryEvent,
    deadline: number,
    signal?: AbortSignal,
  ): Promise<
    | { result: 'delivered' }
    | { result: 'failed'; error: unknown }
    | { result: 'abandoned' }
  > {
    if (signal?.aborted) return { result: 'abandoned' };
    const call = Promise.resolve().then(() => subscriber.deliver(event));
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const stopped = new Promise<'timeout' | 'aborted'>(resolve => {
      timer = setTimeout(
        () => resolve('timeout'),
        Math.max(0, deadline - Date.now()),
      );
      onAbort = () => resolve('aborted');
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    try {
      const result = await Promise.race([
        call.then(() => 'delivered' as const),
        stopped,
      ]);
      if (result === 'delivered') return { result };
      call.catch(() => {});
      if (result === 'aborted') return { result: 'abandoned' };
      return {
        result: 'failed',
        error: new Error(
          `${subscriber.id} did not answer within the ${this.leaseMs} ms lease`,
        ),
      };
    } catch (error) {
      return { result: 'failed', error };
    } finally {
      clearTimeout(timer);
      if (onAbort) signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Runs the dispatcher on one replica at a time, every few seconds. */
  async schedule(scheduler: SchedulerService): Promise<void> {
    this.scheduler = scheduler;
    await this.ready();
    await scheduler.scheduleTask({
      id: DISPATCHER_TASK_ID,
      frequency: { seconds: 5 },
      timeout: { minutes: 5 },
      scope: 'global',
      fn: async signal => {
        // A full batch means more may be due: keep going, not wait for
        // the next trigger.
        do {
          await this.dispatch(new Date(), signal);
        } while (this.backlog && !signal.aborted);
      },
    });
  }

  /**
   * Asks for a run soon, after a change was committed or deliveries were
   * replayed, so that events reach subscribers in well under the schedule's
   * period. At most twice a second: a poke within 500 ms of the last one, or
   * one that finds a run going (which may have read the outbox before the
   * change), asks again when the 500 ms are over, so the change never waits
   * for the schedule.
   */
  poke(): void {
    if (!this.scheduler) return;
    const wait = this.lastPoke + 500 - Date.now();
    if (wait > 0) {
      this.pokeLater(wait);
      return;
    }
    this.lastPoke = Date.now();
    this.scheduler.triggerTask(DISPATCHER_TASK_ID).then(
      () => {
        this.busyPokes = 0;
      },
      () => {
        // Running (or stopping): ask again, a few times at most.
        this.busyPokes += 1;
        if (this.busyPokes <= 20) this.pokeLater(500);
      },
    );
  }

  private pokeLater(ms: number): void {
    if (this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      this.poke();
    }, ms);
    this.pending.unref();
  }
}
