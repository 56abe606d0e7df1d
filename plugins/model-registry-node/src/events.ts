/**
 * The registry's domain events: one per change, written in the change's
 * transaction and delivered at least once to every subscriber whose filter
 * matches.
 */

/** The events-service topic the registry republishes its events on. */
export const MODEL_REGISTRY_EVENTS_TOPIC = 'model-registry';

/** Every event type the registry emits, by the change it reports. */
export const MODEL_REGISTRY_EVENT_TYPES = [
  'model.created',
  'model.updated',
  'model.renamed',
  'model.archived',
  'model.restored',
  'model.deleted',
  'version.registered',
  'version.updated',
  'version.ready',
  'version.failed',
  'alias.created',
  'alias.moved',
  'alias.deleted',
  'kpi.updated',
  'drift.reference-set',
  'drift.batch-received',
  'drift.checked',
  // Emitted by the promotion, deployment, drift and monitoring features; the
  // names live here so that emitters and subscribers share them. Payloads
  // carry `version` and, where one applies, `environment` (see below).
  'promotion.requested',
  'promotion.approved',
  'promotion.rejected',
  'drift.detected',
  'monitor.breached',
  'monitor.recovered',
  'deployment.started',
  'deployment.succeeded',
  'deployment.failed',
  'deployment.paused',
  'deployment.rolled_back',
  'deployment.out_of_sync',
] as const;

/** The type of a registry event, e.g. `alias.moved`. */
export type ModelRegistryEventType =
  (typeof MODEL_REGISTRY_EVENT_TYPES)[number];

/**
 * Payload fields subscribers read when an event carries them, beside
 * `actor`: `version` (number) for version, promotion and deployment events;
 * `alias` for alias and promotion events; `environment` (name) for
 * deployment, drift and monitor events; `reason` or `comment` (text) for
 * rejections, failures and breaches; `requestId` for promotions.
 */
export interface ModelRegistryEventPayloadFields {
  actor: string;
  version?: number;
  alias?: string;
  environment?: string;
  reason?: string;
  comment?: string;
  requestId?: string;
}

/** A domain event, as handed to subscribers. */
export interface ModelRegistryEvent {
  /** Unique per event: the idempotency key subscribers deduplicate by. */
  eventId: string;
  type: ModelRegistryEventType;
  /** The model the event is about. */
  model?: string;
  /** What changed; always carries `actor`, the entity ref of who did it. */
  payload: Record<string, unknown>;
  /** ISO 8601. */
  createdAt: string;
}
