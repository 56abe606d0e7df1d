import { ConfigReader } from '@backstage/config';
import { JsonValue } from '@backstage/types';
import { DEFAULT_RETRY_POLICY, readRetryPolicy } from './subscriptions';

const read = (retry: JsonValue) =>
  readRetryPolicy(new ConfigReader({ modelRegistry: { outbox: { retry } } }));

describe('readRetryPolicy', () => {
  it('defaults to 15 attempts, 1 s doubling up to 1 h', () => {
    expect(readRetryPolicy(new ConfigReader({}))).toEqual({
      maxAttempts: 15,
      baseDelayMs: 1_000,
      maxDelayMs: 3_600_000,
    });
    expect(read({})).toEqual(DEFAULT_RETRY_POLICY);
  });

  it('reads durations as objects or strings, keeping defaults for the rest', () => {
    expect(read({ maxAttempts: 4, baseDelay: { seconds: 30 } })).toEqual({
      maxAttempts: 4,
      baseDelayMs: 30_000,
      maxDelayMs: 3_600_000,
    });
    expect(read({ maxDelay: '10m' })).toMatchObject({ maxDelayMs: 600_000 });
  });

  it('refuses malformed values with the key in the error', () => {
    expect(() => read({ maxAttempts: 0 })).toThrow(
      'modelRegistry.outbox.retry: maxAttempts must be a whole number of at least 1, got 0',
    );
    expect(() => read({ maxAttempts: 'many' })).toThrow(/maxAttempts/);
    expect(() => read({ baseDelay: 'soon' })).toThrow(/baseDelay/);
  });
});
