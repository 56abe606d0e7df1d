import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import {
  createModelEventRouter,
  modelRegistryEventSubscribersExtensionPoint,
  modelRegistryServiceRef,
} from '@mlreg/plugin-model-registry-node';
import {
  createSlackEventSubscriber,
  readSlackConfig,
} from './SlackEventSubscriber';
import { DatabaseSlackStore } from './SlackStore';

/** Messages are remembered (for deduplication and threads) this long. */
const RETENTION_MS = 30 * 24 * 60 * 60_000;

/**
 * Posts Model Registry events to Slack (`modelRegistry.slack`); off when
 * that key is absent.
 */
export const modelRegistryModuleSlack = createBackendModule({
  pluginId: 'model-registry',
  moduleId: 'slack',
  register(reg) {
    reg.registerInit({
      deps: {
        subscribers: modelRegistryEventSubscribersExtensionPoint,
        catalog: catalogServiceRef,
        auth: coreServices.auth,
        config: coreServices.rootConfig,
        database: coreServices.database,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
        registry: modelRegistryServiceRef,
      },
      async init(deps) {
        const { config, logger } = deps;
        const slack = readSlackConfig(config);
        if (!slack) {
          logger.info('Slack is not configured (modelRegistry.slack); off');
          return;
        }
        const store = await DatabaseSlackStore.create(deps.database);
        deps.subscribers.addSubscriber(
          createSlackEventSubscriber({
            slack,
            store,
            router: createModelEventRouter({
              catalog: deps.catalog,
              auth: deps.auth,
              config,
              registry: deps.registry,
            }),
            portalUrl: config.getString('app.baseUrl'),
          }),
        );
        await deps.scheduler.scheduleTask({
          id: 'model-registry-slack-prune',
          frequency: { hours: 24 },
          timeout: { minutes: 10 },
          scope: 'global',
          fn: async () => {
            await store.prune(new Date(Date.now() - RETENTION_MS));
          },
        });
      },
    });
  },
});
