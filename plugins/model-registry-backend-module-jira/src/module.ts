import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { JiraClient, readJiraConfig } from '@mlreg/jira-client';
import {
  createModelEventRouter,
  modelRegistryEventSubscribersExtensionPoint,
  modelRegistryServiceRef,
} from '@mlreg/plugin-model-registry-node';
import {
  createJiraEventSubscriber,
  readIssueTypes,
} from './JiraEventSubscriber';
import { DatabaseJiraIssueStore } from './JiraIssueStore';
import { createJiraRouter } from './router';

/** Handled events are remembered this long. */
const RETENTION_MS = 30 * 24 * 60 * 60_000;

/** Jira issues for registry events (`modelRegistry.jira`); off without it. */
export const modelRegistryModuleJira = createBackendModule({
  pluginId: 'model-registry',
  moduleId: 'jira',
  register(reg) {
    reg.registerInit({
      deps: {
        subscribers: modelRegistryEventSubscribersExtensionPoint,
        auth: coreServices.auth,
        catalog: catalogServiceRef,
        config: coreServices.rootConfig,
        database: coreServices.database,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        logger: coreServices.logger,
        permissions: coreServices.permissions,
        scheduler: coreServices.scheduler,
        registry: modelRegistryServiceRef,
      },
      async init(deps) {
        const { config } = deps;
        const block = config.getOptionalConfig('modelRegistry.jira');
        if (!block) {
          deps.logger.info('Jira is not configured (modelRegistry.jira); off');
          return;
        }
        const jira = new JiraClient({
          ...readJiraConfig(block, { path: 'modelRegistry.jira' }),
          // The registry's outbox retries, honouring Retry-After.
          maxRetries: 0,
        });
        const store = await DatabaseJiraIssueStore.create(deps.database);
        deps.subscribers.addSubscriber(
          createJiraEventSubscriber({
            jira,
            store,
            issueTypes: readIssueTypes(config),
            portalUrl: config.getString('app.baseUrl'),
            router: createModelEventRouter({
              catalog: deps.catalog,
              auth: deps.auth,
              config,
              registry: deps.registry,
            }),
          }),
        );
        deps.httpRouter.use(
          createJiraRouter({
            store,
            httpAuth: deps.httpAuth,
            permissions: deps.permissions,
          }),
        );
        await deps.scheduler.scheduleTask({
          id: 'model-registry-jira-prune',
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
