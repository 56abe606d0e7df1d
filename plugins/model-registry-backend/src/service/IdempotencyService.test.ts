import {
  IdempotencyRecord,
  IdempotencyStore,
} from '../database/IdempotencyStore';
import { IdempotencyService } from './IdempotencyService';

/** The store's contract, in memory. */
class InMemoryIdempotencyStore implements IdempotencyStore {
  readonly rows = new Map<string, IdempotencyRecord>();

  async claim(principal: string, key: string, fingerprint: string, now: Date) {
    const id = `${principal}\n${key}`;
    if (this.rows.has(id)) return false;
    this.rows.set(id, { fingerprint, createdAt: now.toISOString() });
    return true;
  }
  async get(principal: string, key: string) {
    return this.rows.get(`${principal}\n${key}`);
  }
  async complete(
    principal: string,
    key: string,
    answer: { status: number; body: unknown },
  ) {
    this.rows.get(`${principal}\n${key}`)!.answer = answer;
  }
  async release(principal: string, key: string) {
    const id = `${principal}\n${key}`;
    if (!this.rows.get(id)?.answer) this.rows.delete(id);
  }
  async prune(before: Date) {
    let pruned = 0;
    for (const [id, row] of this.rows) {
      if (Date.parse(row.createdAt) < before.getTime()) {
        this.rows.delete(id);
        pruned += 1;
      }
    }
    return pruned;
  }
}

const minute = 60_000;
const t0 = new Date('2026-11-29T10:00:00Z');
const at = (minutes: number) => new Date(t0.getTime() + minutes * minute);

describe('IdempotencyService', () => {
  const setup = () => {
    const store = new InMemoryIdempotencyStore();
    const service = new IdempotencyService(store, {
      retentionMs: 24 * 60 * minute,
      abandonedAfterMs: 10 * minute,
    });
    return { store, service };
  };

  it('runs the first request and replays its answer to retries', async () => {
    const { service } = setup();
    expect(await service.begin('user:a', 'k', 'f1', t0)).toBeUndefined();
    await service.complete('user:a', 'k', { status: 201, body: { v: 1 } });
    expect(await service.begin('user:a', 'k', 'f1', at(1))).toEqual({
      status: 201,
      body: { v: 1 },
    });
    // keys belong to their caller
    expect(await service.begin('user:b', 'k', 'f1', at(1))).toBeUndefined();
  });

  it('refuses a retry while the first request runs, and after it died', async () => {
    const { service } = setup();
    await service.begin('user:a', 'k', 'f1', t0);
    await expect(service.begin('user:a', 'k', 'f1', at(5))).rejects.toThrow(
      /still running/,
    );
    await expect(service.begin('user:a', 'k', 'f1', at(11))).rejects.toThrow(
      /never answered/,
    );
  });

  it('lets a retry run after the first request failed', async () => {
    const { service } = setup();
    await service.begin('user:a', 'k', 'f1', t0);
    await service.release('user:a', 'k');
    expect(await service.begin('user:a', 'k', 'f1', at(1))).toBeUndefined();
  });

  it('forgets answers after the retention time', async () => {
    const { service, store } = setup();
    await service.begin('user:a', 'old', 'f1', t0);
    await service.complete('user:a', 'old', { status: 201, body: {} });
    await service.begin('user:a', 'new', 'f1', at(25 * 60));
    expect([...store.rows.keys()]).toEqual(['user:a\nnew']);
    expect(
      await service.begin('user:a', 'old', 'f2', at(25 * 60)),
    ).toBeUndefined();
  });
});
