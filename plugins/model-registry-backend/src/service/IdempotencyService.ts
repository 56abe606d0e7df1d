import { ConflictError } from '@backstage/errors';
import { IdempotencyStore } from '../database/IdempotencyStore';

/** An answer sent once, to be sent again to a retry. */
export interface IdempotentAnswer {
  status: number;
  body: unknown;
}

const HOUR = 60 * 60_000;

/**
 * Makes create requests safe to retry. The first request with a key runs
 * and its answer is kept for `retentionMs`; a retry with the same key and
 * the same request gets that answer again, and the same key with another
 * request is a conflict. A key is claimed before its request runs, so two
 * concurrent retries never both run.
 */
export class IdempotencyService {
  private lastPrune = 0;

  constructor(
    private readonly store: IdempotencyStore,
    private readonly options: {
      /** How long answers are kept for retries. */
      retentionMs: number;
      /**
       * A request still unanswered after this long died with its process:
       * whether it took effect is unknown, so retries are refused rather
       * than run twice.
       */
      abandonedAfterMs: number;
    } = { retentionMs: 24 * HOUR, abandonedAfterMs: 10 * 60_000 },
  ) {}

  /**
   * Claims `key` for a request: undefined when the request should run now,
   * the kept answer when it already ran. Throws `ConflictError` when the key
   * was used for another request or its request has not answered.
   */
  async begin(
    principal: string,
    key: string,
    fingerprint: string,
    now = new Date(),
  ): Promise<IdempotentAnswer | undefined> {
    await this.pruneNow(now);
    if (await this.store.claim(principal, key, fingerprint, now)) {
      return undefined;
    }
    const kept = await this.store.get(principal, key);
    if (!kept) {
      // Released by a failed first request in the meantime: run this one,
      // unless yet another retry claimed it first.
      if (await this.store.claim(principal, key, fingerprint, now)) {
        return undefined;
      }
      throw new ConflictError(
        `a request with Idempotency-Key "${key}" is still running; retry later`,
      );
    }
    if (kept.fingerprint !== fingerprint) {
      throw new ConflictError(
        `Idempotency-Key "${key}" was already used for a different request`,
      );
    }
    if (kept.answer) return kept.answer;
    if (
      now.getTime() - Date.parse(kept.createdAt) <
      this.options.abandonedAfterMs
    ) {
      throw new ConflictError(
        `a request with Idempotency-Key "${key}" is still running; retry later`,
      );
    }
    throw new ConflictError(
      `the request with Idempotency-Key "${key}" never answered, so whether it took effect is unknown: look the resource up, or send a new key`,
    );
  }

  /** Keeps the answer of a request that ran. */
  complete(principal: string, key: string, answer: IdempotentAnswer) {
    return this.store.complete(principal, key, answer);
  }

  /** Forgets the key of a request that failed, so that a retry runs. */
  release(principal: string, key: string) {
    return this.store.release(principal, key);
  }

  private async pruneNow(now: Date) {
    // Answers expire by the hour; pruning more often would only cost.
    if (now.getTime() - this.lastPrune < HOUR) return;
    this.lastPrune = now.getTime();
    await this.store.prune(new Date(now.getTime() - this.options.retentionMs));
  }
}
