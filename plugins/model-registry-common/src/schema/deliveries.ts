import { z } from 'zod';
import { cursor, modelName, pageSize, timestamp } from './primitives';

/** Ids of subscribers, deployment targets and monitoring sources. */
export const extensionId = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9.-]{0,63}$/,
    "1-64 lowercase letters, digits, '.' and '-'",
  )
  .meta({ description: 'Id of an installed integration', example: 'slack' });

/** Where a delivery stands: `dead` waits for a manual replay. */
export const deliveryStatus = z.enum(['pending', 'delivered', 'dead']);

const eventType = z
  .string()
  .regex(/^[a-z]+\.[a-z-]+$/, 'an event type like alias.moved');

/** Which events a subscriber receives; absent fields match every event. */
export const eventFilter = z.strictObject({
  types: z.array(z.string()).optional(),
  models: z.array(z.string()).optional(),
});

/** One delivery of one event to one subscriber. */
export const delivery = z
  .strictObject({
    eventId: z.string(),
    eventType: z.string(),
    model: z.string().optional(),
    /** When the event was written. */
    createdAt: timestamp,
    subscriber: z.string(),
    status: deliveryStatus,
    attempts: z.number().int(),
    lastError: z.string().optional(),
    /** When a pending delivery is next tried. */
    nextAttemptAt: timestamp.optional(),
    deliveredAt: timestamp.optional(),
  })
  .meta({ id: 'Delivery' });

/** Which deliveries to list, newest event first. */
export const listDeliveriesQuery = z.strictObject({
  subscriber: extensionId.optional(),
  status: deliveryStatus.optional(),
  model: modelName.optional(),
  type: eventType.optional(),
  limit: pageSize(100).meta({ description: 'Page size, 1-100 (default 50)' }),
  cursor,
});

/** A registered subscriber and how its deliveries stand. */
export const subscriberSummary = z
  .strictObject({
    id: z.string(),
    filter: eventFilter.optional(),
    /** Its effective retry policy. */
    retry: z.strictObject({
      maxAttempts: z.number().int(),
      baseDelayMs: z.number(),
      maxDelayMs: z.number(),
    }),
    /** Deliveries in each status. */
    deliveries: z.strictObject({
      pending: z.number().int(),
      delivered: z.number().int(),
      dead: z.number().int(),
    }),
  })
  .meta({ id: 'Subscriber' });

export const subscriberPathParams = z.strictObject({
  subscriber: extensionId,
});

export const deliveryPathParams = z.strictObject({
  subscriber: extensionId,
  eventId: z.uuid(),
});

/** How many deliveries went back to pending. */
export const replayResult = z.strictObject({ replayed: z.number().int() });

/** What modules installed through the registry's extension points. */
export const installedIntegrations = z
  .strictObject({
    /** Event subscribers, the built-in `events-service` included. */
    subscribers: z.array(
      z.strictObject({ id: z.string(), filter: eventFilter.optional() }),
    ),
    /** Kinds of deployment targets, e.g. `kserve`. */
    deploymentTargets: z.array(z.strictObject({ kind: z.string() })),
    /** Ids of monitoring sources, e.g. `prometheus`. */
    monitoringSources: z.array(z.strictObject({ id: z.string() })),
  })
  .meta({ id: 'InstalledIntegrations' });
