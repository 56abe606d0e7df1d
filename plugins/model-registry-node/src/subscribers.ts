import { createExtensionPoint } from '@backstage/backend-plugin-api';
import { ModelRegistryEvent, ModelRegistryEventType } from './events';

/**
 * Which events a subscriber receives. Plain data, applied when an event is
 * written: events it does not match never get a delivery for the subscriber.
 * Every given field must match; an absent field matches everything.
 *
 * @public
 */
export interface ModelRegistryEventFilter {
  /** Event types to receive, e.g. `['alias.moved', 'version.ready']`. */
  types?: ModelRegistryEventType[];
  /** Names of the models whose events to receive. */
  models?: string[];
}

/**
 * How often, and how far apart, the registry retries a failed delivery.
 * The n-th retry waits `min(baseDelayMs * 2^(n-1), maxDelayMs)`; after
 * `maxAttempts` failed attempts the delivery is dead: it keeps its last error
 * and waits for a manual replay.
 *
 * @public
 */
export interface ModelRegistryRetryPolicy {
  /** Attempts before a delivery is dead; at least 1. */
  maxAttempts: number;
  /** Delay before the first retry, in milliseconds. */
  baseDelayMs: number;
  /** Longest delay between two attempts, in milliseconds. */
  maxDelayMs: number;
}

/**
 * Receives the registry's domain events through the registry's outbox.
 *
 * Delivery is at least once, in the order events were written, retried with
 * backoff while `deliver` throws. A subscriber deduplicates by
 * `event.eventId` when a repeat matters to it.
 *
 * @public
 */
export interface ModelRegistryEventSubscriber {
  /**
   * Stable id, stored with every delivery: lowercase letters, digits, `-`
   * and `.`, at most 64 characters, e.g. `slack` or `webhooks.ci`.
   * Renaming it orphans the subscriber's pending deliveries.
   */
  id: string;
  /** Which events to receive; all of them when absent. */
  filter?: ModelRegistryEventFilter;
  /**
   * Overrides the registry's retry policy (`modelRegistry.outbox.retry`)
   * field by field.
   */
  retry?: Partial<ModelRegistryRetryPolicy>;
  /**
   * Delivers one event; throwing schedules a retry. Throw a
   * {@link ModelRegistryDeliveryRetryAfterError} when the receiver said
   * when to try again (e.g. HTTP 429 with `Retry-After`).
   */
  deliver(event: ModelRegistryEvent): Promise<void>;
}

/**
 * A failed delivery whose receiver said when to try again: the registry
 * retries no sooner than `retryAfterMs` from now (or later, if its backoff
 * asks for more). It counts as an attempt like any other failure.
 *
 * @public
 */
export class ModelRegistryDeliveryRetryAfterError extends Error {
  readonly retryAfterMs: number;

  constructor(message: string, retryAfterMs: number) {
    super(message);
    this.name = 'ModelRegistryDeliveryRetryAfterError';
    this.retryAfterMs = Math.max(0, retryAfterMs);
  }
}

/**
 * Lets modules subscribe to the registry's domain events.
 *
 * @public
 */
export interface ModelRegistryEventSubscribersExtensionPoint {
  /**
   * Registers subscribers. A malformed subscriber (bad or duplicate id,
   * unknown event type in its filter, `maxAttempts` below 1) stops the
   * backend from starting.
   */
  addSubscriber(...subscribers: ModelRegistryEventSubscriber[]): void;
}

/**
 * Extension point for event subscribers, e.g. Slack, Jira or outgoing
 * webhooks.
 *
 * @public
 */
export const modelRegistryEventSubscribersExtensionPoint =
  createExtensionPoint<ModelRegistryEventSubscribersExtensionPoint>({
    id: 'model-registry.event-subscribers',
  });
