import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { RegistryDatabase } from '../database/RegistryDatabase';
import { OutboxEvent } from '../database/OutboxStore';

const DISPATCHER_TASK_ID = 'model-registry-outbox-dispatcher';

/**
 * Receives the registry's domain events. Delivery is at least once: a
 * subscriber deduplicates by `event.eventId` when that matters to it.
 */
export interface OutboxSubscriber {
  /** Stable id, kept in the database with each delivery. */
  id: string;
  handle(event: OutboxEvent): Promise<void>;
}

export interface OutboxDispatcherOptions {
  /** Deliveries per subscriber and run. */
  batchSize?: number;
  /** First retry delay; doubles per attempt. */
  retryBaseMs?: number;
  /** Longest retry delay. */
  retryMaxMs?: number;
  /** Delivered events are kept this long. */
  retentionMs?: number;
}

/**
 * Hands outbox events to subscribers with retries and exponential backoff.
 * State lives in the database only, so a restart or another replica picks
 * up exactly where the last run stopped.
 */
export class OutboxDispatcher {
  private readonly subscribers = new Map<string, OutboxSubscriber>();
  private readonly batchSize: number;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;
  private readonly retentionMs: number;

  constructor(
    private readonly db: RegistryDatabase,
    private readonly logger: LoggerService,
    options: OutboxDispatcherOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 100;
    this.retryBaseMs = options.retryBaseMs ?? 1_000;
    this.retryMaxMs = options.retryMaxMs ?? 60 * 60_000;
    this.retentionMs = options.retentionMs ?? 7 * 24 * 60 * 60_000;
  }

  addSubscriber(subscriber: OutboxSubscriber): void {
    if (!/^[a-z0-9][a-z0-9-.]{0,63}$/.test(subscriber.id)) {
      throw new Error(`invalid outbox subscriber id "${subscriber.id}"`);
    }
    if (this.subscribers.has(subscriber.id)) {
      throw new Error(
        `outbox subscriber "${subscriber.id}" is already registered`,
      );
    }
    this.subscribers.set(subscriber.id, subscriber);
    this.db.addOutboxSubscriber(subscriber.id);
  }

  /** Delivers what is due; resolves to the number delivered and failed. */
  async dispatch(
    now = new Date(),
  ): Promise<{ delivered: number; failed: number }> {
    let delivered = 0;
    let failed = 0;
    for (const subscriber of this.subscribers.values()) {
      const due = await this.db.read.outbox.due(
        subscriber.id,
        now,
        this.batchSize,
      );
      for (const delivery of due) {
        try {
          await subscriber.handle(delivery.event);
          await this.db.read.outbox.markDelivered(
            delivery.seq,
            subscriber.id,
            new Date(),
          );
          delivered += 1;
        } catch (error) {
          const attempts = delivery.attempts + 1;
          const delay = Math.min(
            this.retryBaseMs * 2 ** (attempts - 1),
            this.retryMaxMs,
          );
          await this.db.read.outbox.markFailed(
            delivery.seq,
            subscriber.id,
            attempts,
            new Date(Date.now() + delay),
            String(error),
          );
          this.logger.warn(
            `Outbox delivery of ${delivery.event.type} ${delivery.event.eventId} to ${subscriber.id} failed (attempt ${attempts}), retrying in ${delay} ms: ${error}`,
          );
          failed += 1;
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
    return { delivered, failed };
  }

  private scheduler?: SchedulerService;
  private lastPoke = 0;
  private lastPrune = 0;

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
   * Asks for a run soon, after a change was committed, so that events reach
   * subscribers in well under the schedule's period. At most twice a second.
   */
  poke(): void {
    const now = Date.now();
    if (!this.scheduler || now - this.lastPoke < 500) return;
    this.lastPoke = now;
    // A run that is already going picks the change up, or the next one does.
    this.scheduler.triggerTask(DISPATCHER_TASK_ID).catch(() => {});
  }
}
