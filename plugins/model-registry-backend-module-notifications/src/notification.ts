import { NotificationPayload } from '@backstage/plugin-notifications-common';
import {
  describeModelRegistryEvent,
  ModelEventRecipients,
  ModelRegistryEvent,
  ModelRegistryEventType,
} from '@mlreg/plugin-model-registry-node';

type Severity = NonNullable<NotificationPayload['severity']>;

/**
 * The events a person should act on or know about, with their severity and
 * notification topic (which users can mute in their settings).
 */
const NOTIFIED: Partial<
  Record<ModelRegistryEventType, { severity: Severity; topic: string }>
> = {
  'promotion.requested': { severity: 'high', topic: 'model-promotion' },
  'promotion.approved': { severity: 'normal', topic: 'model-promotion' },
  'promotion.rejected': { severity: 'normal', topic: 'model-promotion' },
  'deployment.failed': { severity: 'critical', topic: 'model-deployment' },
  'deployment.rolled_back': { severity: 'high', topic: 'model-deployment' },
  'drift.detected': { severity: 'high', topic: 'model-monitoring' },
  'monitor.breached': { severity: 'critical', topic: 'model-monitoring' },
  'version.registered': { severity: 'low', topic: 'model-version' },
};

/** The event types this module notifies about. */
export const NOTIFIED_EVENT_TYPES = Object.keys(
  NOTIFIED,
) as ModelRegistryEventType[];

/**
 * The notification of an event: title and facts, a link to the model's
 * entity page, and the event id as scope, so that a repeated delivery
 * updates the notification instead of adding a second one.
 */
export function notificationPayload(
  event: ModelRegistryEvent,
  recipients: Pick<ModelEventRecipients, 'entityPath'>,
): NotificationPayload {
  const { severity, topic } = NOTIFIED[event.type] ?? {
    severity: 'normal',
    topic: 'model-registry',
  };
  const { title, facts } = describeModelRegistryEvent(event);
  return {
    title,
    description: facts.map(f => `${f.label}: ${f.value}`).join(' · '),
    link: recipients.entityPath,
    severity,
    topic,
    scope: `model-registry:${event.eventId}`,
  };
}
