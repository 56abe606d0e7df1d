import {
  coreServices,
  createBackendModule,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
} from '@backstage/backend-plugin-api';
import {
  catalogProcessingExtensionPoint,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { ModelRegistryClient } from '@mlreg/plugin-model-registry-common';
import {
  MODEL_REGISTRY_EVENTS_TOPIC,
  ModelRegistryEvent,
} from '@mlreg/plugin-model-registry-node';
import { ModelEntitiesProcessor } from './ModelEntitiesProcessor';
import { ModelRegistryEntityProvider } from './ModelRegistryEntityProvider';

/**
 * The catalog side of the Model Registry: the `Model` kind with its
 * relations, and the entity provider that publishes registry models.
 */
export const catalogModuleModelRegistry = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'model-registry',
  register(reg) {
    reg.registerInit({
      deps: {
        processing: catalogProcessingExtensionPoint,
        auth: coreServices.auth,
        catalog: catalogServiceRef,
        config: coreServices.rootConfig,
        discovery: coreServices.discovery,
        events: eventsServiceRef,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
      },
      async init(deps) {
        deps.processing.addProcessor(new ModelEntitiesProcessor());

        const scheduleConfig = deps.config.getOptionalConfig(
          'catalog.providers.modelRegistry.schedule',
        );
        const taskRunner = deps.scheduler.createScheduledTaskRunner(
          scheduleConfig
            ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
                scheduleConfig,
              )
            : {
                frequency: { minutes: 30 },
                timeout: { minutes: 10 },
                initialDelay: { seconds: 10 },
                scope: 'global',
              },
        );
        const provider = new ModelRegistryEntityProvider({
          registry: new ModelRegistryClient({ discoveryApi: deps.discovery }),
          catalog: deps.catalog,
          auth: deps.auth,
          logger: deps.logger,
          taskRunner,
          registryUrl: () =>
            deps.discovery.getExternalBaseUrl('model-registry'),
        });
        deps.processing.addEntityProvider(provider);

        await deps.events.subscribe({
          id: 'model-registry-entity-provider',
          topics: [MODEL_REGISTRY_EVENTS_TOPIC],
          onEvent: async params => {
            await provider.onRegistryEvent(
              params.eventPayload as ModelRegistryEvent,
            );
          },
        });
      },
    });
  },
});
