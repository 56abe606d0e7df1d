import { Stores } from '../database/RegistryDatabase';
import { Actor } from './Actor';

/** A change to record: one audit record and one outbox event. */
export interface Change {
  /** Audit action, e.g. `alias.set`. */
  action: string;
  /** Outbox event type, e.g. `alias.moved`. */
  event: string;
  target: string;
  model: { id: string; name: string };
  version?: number;
  before?: unknown;
  after?: unknown;
  payload: Record<string, unknown>;
}

/**
 * Writes the audit record and the outbox event of a change. Called inside
 * the transaction of the change itself, so all three land together.
 */
export async function recordChange(
  stores: Stores,
  actor: Actor,
  now: Date,
  change: Change,
): Promise<void> {
  await stores.audit.append(
    {
      action: change.action,
      actor: actor.ref,
      target: change.target,
      modelId: change.model.id,
      modelName: change.model.name,
      version: change.version,
      before: change.before,
      after: change.after,
      requestId: actor.requestId,
    },
    now,
  );
  await stores.outbox.enqueue(
    {
      type: change.event,
      model: change.model.name,
      payload: { ...change.payload, actor: actor.ref },
    },
    now,
  );
}
