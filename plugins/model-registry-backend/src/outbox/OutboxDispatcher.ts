import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import {
  ModelRegistryEventFilter,
  ModelRegistryEventSubscriber,
  ModelRegistryRetryPolicy,
} from '@mlreg/plugin-model-registry-node';
import { RegistryDatabase } from '../database/RegistryDatabase';
import { matchesFilter, withDefaults } from './subscriptions';

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
}

/**
 * Hands outbox events to subscribers, retrying each subscriber's failures
 * with exponential backoff until its attempts run out; the delivery is then
 * dead until replayed. State lives in the database only, so a restart or
 * another replica picks up exactly where the last run stopped.
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
  private scheduler?: SchedulerService;
  private lastPoke = 0;
  private lastPrune = 0;

  constructor(options: OutboxDispatcherOptions) {
    this.db = options.db;
    this.logger = options.logger;
    this.batchSize = options.batchSize ?? 100;
    this.retentionMs = options.retentionMs ?? 7 * 24 * 60 * 60_000;
    this.subscribers = options.subscribers.map(subscriber => ({
      subscriber,
      retry: withDefaults(options.retry, subscriber.retry),
    }));
    for (const { subscriber } of this.subscribers) {
      this.db.addOutboxSubscriber({
        id: subscriber.id,
        accepts: event => matchesFilter(subscriber.filter, event),
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
   * Delivers what is due; resolves to the number delivered, failed and
   * retried later, and failed for the last time (now dead).
   */
  async dispatch(
    now = new Date(),
  ): Promise<{ delivered: number; failed: number; dead: number }> {
    const counts = { delivered: 0, failed: 0, dead: 0 };
    for (const { subscriber, retry } of this.subscribers) {
      const due = await this.db.read.outbox.due(
        subscriber.id,
        now,
        this.batchSize,
      );
      for (const delivery of due) {
        try {
          await subscriber.deliver(delivery.event);
          await this.db.read.outbox.markDelivered(
            delivery.seq,
            subscriber.id,
            new Date(),
          );
          counts.delivered += 1;
        } catch (error) {
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
          const delay = Math.min(
            retry.baseDelayMs * 2 ** (attempts - 1),
            retry.maxDelayMs,
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
      }
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

  /** Runs the dispatcher on one replica at a time, every few seconds. */
  async schedule(scheduler: SchedulerService): Promise<void> {
    this.scheduler = scheduler;
    await scheduler.scheduleTask({
      id: DISPATCHER_TASK_ID,
      frequency: { seconds: 5 },
      timeout: { minutes: 5 },
      scope: 'global',
      fn: async () => {
        await this.dispatch();
      },
    });
  }

  /**
   * Asks for a run soon, after a change was committed or deliveries were
   * replayed, so that events reach subscribers in well under the schedule's
   * period. At most twice a second.
   */
  poke(): void {
    const now = Date.now();
    if (!this.scheduler || now - this.lastPoke < 500) return;
    this.lastPoke = now;
    // A run that is already going picks the change up, or the next one does.
    this.scheduler.triggerTask(DISPATCHER_TASK_ID).catch(() => {});
  }
}
