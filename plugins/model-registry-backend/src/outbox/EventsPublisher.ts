import { EventsService } from '@backstage/plugin-events-node';
import { OutboxEvent } from '../database/OutboxStore';
import { OutboxSubscriber } from './OutboxDispatcher';

/** The events topic the registry publishes its domain events on. */
export const MODEL_REGISTRY_EVENTS_TOPIC = 'model-registry';

/**
 * Republishes outbox events on the Backstage events service, where other
 * plugins (the catalog's entity provider, notifications) subscribe to them.
 */
export function createEventsPublisher(events: EventsService): OutboxSubscriber {
  return {
    id: 'events-service',
    async handle(event: OutboxEvent) {
      await events.publish({
        topic: MODEL_REGISTRY_EVENTS_TOPIC,
        eventPayload: event,
        metadata: { eventId: event.eventId, type: event.type },
      });
    },
  };
}
