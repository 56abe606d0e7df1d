import { Knex } from 'knex';
import { parseJson, toIsoString } from './util';

/** What is kept of a request sent with an Idempotency-Key. */
export interface IdempotencyRecord {
  fingerprint: string;
  /** Absent while the request runs. */
  answer?: { status: number; body: unknown };
  createdAt: string;
}

/** Answers of create requests by caller and Idempotency-Key. */
export interface IdempotencyStore {
  /**
   * Claims a key for a request: true when this call inserted it, false when
   * the caller already used the key (read it with `get`).
   */
  claim(
    principal: string,
    key: string,
    fingerprint: string,
    now: Date,
  ): Promise<boolean>;
  get(principal: string, key: string): Promise<IdempotencyRecord | undefined>;
  /** Keeps the answer of a claimed key. */
  complete(
    principal: string,
    key: string,
    answer: { status: number; body: unknown },
  ): Promise<void>;
  /** Gives a claimed key up, so that a retry runs again. */
  release(principal: string, key: string): Promise<void>;
  /** Forgets keys claimed before `before`. */
  prune(before: Date): Promise<number>;
}

export class DatabaseIdempotencyStore implements IdempotencyStore {
  constructor(private readonly db: Knex) {}

  async claim(
    principal: string,
    key: string,
    fingerprint: string,
    now: Date,
  ): Promise<boolean> {
    const inserted = await this.db('idempotency_keys')
      .insert({ principal, key, fingerprint, created_at: now })
      .onConflict(['principal', 'key'])
      .ignore()
      .returning('key');
    return inserted.length > 0;
  }

  async get(principal: string, key: string) {
    const row = await this.db('idempotency_keys')
      .where({ principal, key })
      .first('fingerprint', 'status', 'response', 'created_at');
    if (!row) return undefined;
    return {
      fingerprint: row.fingerprint,
      answer:
        row.status === null
          ? undefined
          : { status: Number(row.status), body: parseJson(row.response, null) },
      createdAt: toIsoString(row.created_at),
    };
  }

  async complete(
    principal: string,
    key: string,
    answer: { status: number; body: unknown },
  ): Promise<void> {
    await this.db('idempotency_keys')
      .where({ principal, key })
      .update({ status: answer.status, response: JSON.stringify(answer.body) });
  }

  async release(principal: string, key: string): Promise<void> {
    await this.db('idempotency_keys')
      .where({ principal, key })
      .whereNull('status')
      .delete();
  }

  async prune(before: Date): Promise<number> {
    return this.db('idempotency_keys')
      .where('created_at', '<', before)
      .delete();
  }
}
