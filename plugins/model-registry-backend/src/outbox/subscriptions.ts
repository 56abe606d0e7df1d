import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import { describeInvalidModelName } from '@mlreg/plugin-model-registry-common';
import {
  MODEL_REGISTRY_EVENT_TYPES,
  ModelRegistryEvent,
  ModelRegistryEventFilter,
  ModelRegistryEventSubscriber,
  ModelRegistryRetryPolicy,
} from '@mlreg/plugin-model-registry-node';

/**
 * The retry policy of subscribers that set none: 15 attempts, 1 s doubling
 * up to 1 h apart, so a receiver may be down for about three hours before
 * its deliveries need a replay.
 */
export const DEFAULT_RETRY_POLICY: ModelRegistryRetryPolicy = {
  maxAttempts: 15,
  baseDelayMs: 1_000,
  maxDelayMs: 60 * 60_000,
};

function checkRetryPolicy(
  policy: Partial<ModelRegistryRetryPolicy>,
  where: string,
): void {
  const { maxAttempts, baseDelayMs, maxDelayMs } = policy;
  if (
    maxAttempts !== undefined &&
    !(Number.isInteger(maxAttempts) && maxAttempts >= 1)
  ) {
    throw new Error(
      `${where}: maxAttempts must be a whole number of at least 1, got ${maxAttempts}`,
    );
  }
  for (const [key, value] of Object.entries({ baseDelayMs, maxDelayMs })) {
    if (value !== undefined && !(Number.isFinite(value) && value >= 0)) {
      throw new Error(
        `${where}: ${key} must be a number of milliseconds, got ${value}`,
      );
    }
  }
}

/** Reads `modelRegistry.outbox.retry`, the retry policy of every subscriber. */
export function readRetryPolicy(config: Config): ModelRegistryRetryPolicy {
  const retry = config.getOptionalConfig('modelRegistry.outbox.retry');
  if (!retry) return DEFAULT_RETRY_POLICY;
  const delay = (key: string) =>
    retry.has(key)
      ? durationToMilliseconds(readDurationFromConfig(retry, { key }))
      : undefined;
  const policy = {
    maxAttempts: retry.getOptionalNumber('maxAttempts'),
    baseDelayMs: delay('baseDelay'),
    maxDelayMs: delay('maxDelay'),
  };
  checkRetryPolicy(policy, 'modelRegistry.outbox.retry');
  return withDefaults(DEFAULT_RETRY_POLICY, policy);
}

/**
 * Reads `modelRegistry.outbox.leaseDuration`: how long a dispatcher keeps a
 * delivery it claimed (see `OutboxDispatcherOptions.leaseMs`); undefined
 * when not set.
 */
export function readLeaseMs(config: Config): number | undefined {
  const key = 'modelRegistry.outbox.leaseDuration';
  if (!config.has(key)) return undefined;
  const ms = durationToMilliseconds(readDurationFromConfig(config, { key }));
  if (!(ms >= 1_000)) {
    throw new Error(`${key} must be at least 1 second, got ${ms} ms`);
  }
  return ms;
}

/** `policy`'s fields where given, else the defaults'. */
export function withDefaults(
  defaults: ModelRegistryRetryPolicy,
  policy: Partial<ModelRegistryRetryPolicy> = {},
): ModelRegistryRetryPolicy {
  return {
    maxAttempts: policy.maxAttempts ?? defaults.maxAttempts,
    baseDelayMs: policy.baseDelayMs ?? defaults.baseDelayMs,
    maxDelayMs: policy.maxDelayMs ?? defaults.maxDelayMs,
  };
}

/**
 * Throws a clear error for a subscriber with an unknown event type or an
 * invalid model name in its filter, or a malformed retry policy. Its id and
 * `deliver` are checked where it is registered.
 */
export function checkSubscriber(subscriber: ModelRegistryEventSubscriber) {
  const where = `Model Registry event subscriber "${subscriber.id}"`;
  const { types, models } = subscriber.filter ?? {};
  for (const type of types ?? []) {
    if (!(MODEL_REGISTRY_EVENT_TYPES as readonly string[]).includes(type)) {
      throw new Error(
        `${where} filters on unknown event type "${type}"; known types are ${MODEL_REGISTRY_EVENT_TYPES.join(
          ', ',
        )}`,
      );
    }
  }
  for (const model of models ?? []) {
    const invalid = describeInvalidModelName(model);
    if (invalid) {
      throw new Error(`${where} filters on an invalid model name: ${invalid}`);
    }
  }
  checkRetryPolicy(subscriber.retry ?? {}, where);
}

/** Whether an event passes a filter: every field given must match. */
export function matchesFilter(
  filter: ModelRegistryEventFilter | undefined,
  event: Pick<ModelRegistryEvent, 'model'> & { type: string },
): boolean {
  if (!filter) return true;
  const { types, models } = filter;
  if (types && !(types as string[]).includes(event.type)) return false;
  if (models && !(event.model && models.includes(event.model))) return false;
  return true;
}
