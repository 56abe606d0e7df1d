import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import {
  createModelEventRouter,
  modelRegistryEventSubscribersExtensionPoint,
  modelRegistryServiceRef,
  readPayloadFields,
} from '@mlreg/plugin-model-registry-node';
import { NOTIFIED_EVENT_TYPES, notificationPayload } from './notification';

/**
 * Sends a Backstage notification to the owners of a model (and the entities
 * configured under `modelRegistry.routing.rules`) for promotions, failed and
 * rolled-back deployments, drift, breached monitors and new versions.
 */
export const modelRegistryModuleNotifications = createBackendModule({
  pluginId: 'model-registry',
  moduleId: 'notifications',
  register(reg) {
    reg.registerInit({
      deps: {
        subscribers: modelRegistryEventSubscribersExtensionPoint,
        notifications: notificationService,
        catalog: catalogServiceRef,
        auth: coreServices.auth,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        registry: modelRegistryServiceRef,
      },
      async init({
        subscribers,
        notifications,
        catalog,
        auth,
        config,
        logger,
        registry,
      }) {
        const router = createModelEventRouter({
          catalog,
          auth,
          config,
          registry,
        });
        subscribers.addSubscriber({
          id: 'notifications',
          filter: { types: NOTIFIED_EVENT_TYPES },
          async deliver(event) {
            const recipients = await router.resolve(event);
            if (recipients.entities.length === 0) {
              logger.debug(
                `No owner or configured recipient for ${event.type} of ${event.model}; not notified`,
              );
              return;
            }
            const { actor } = readPayloadFields(event);
            await notifications.send({
              recipients: {
                type: 'entity',
                entityRef: recipients.entities,
                // Who made the change knows about it already.
                excludeEntityRef: actor?.startsWith('user:')
                  ? actor
                  : undefined,
              },
              payload: notificationPayload(event, recipients),
            });
          },
        });
      },
    });
  },
});
