import { EventsService } from '@backstage/plugin-events-node';
import {
  MODEL_REGISTRY_EVENTS_TOPIC,
  ModelRegistryEventSubscriber,
} from '@mlreg/plugin-model-registry-node';

/**
 * Republishes the registry's events on the Backstage events service, where
 * other plugins (the catalog's entity provider, notifications) subscribe to
 * them. Registered like any module's subscriber.
 */
export function createEventsPublisher(
  events: EventsService,
): ModelRegistryEventSubscriber {
  return {
    id: 'events-service',
    async deliver(event) {
      await events.publish({
        topic: MODEL_REGISTRY_EVENTS_TOPIC,
        eventPayload: event,
        metadata: { eventId: event.eventId, type: event.type },
      });
    },
  };
}
