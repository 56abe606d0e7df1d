import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { modelRegistryEventSubscribersExtensionPoint } from '@mlreg/plugin-model-registry-node';
import { webhookManagePermission } from './permissions';
import { createWebhooksRouter } from './router';
import { createWebhookSender } from './WebhookSender';
import { DatabaseWebhookStore } from './WebhookStore';

/** Which events reached which webhook is remembered this long. */
const RETENTION_MS = 30 * 24 * 60 * 60_000;

/**
 * Signed outgoing webhooks of every registry event, registered by users
 * with `model-registry.webhook.manage` under `/api/model-registry/webhooks`.
 */
export const modelRegistryModuleWebhooks = createBackendModule({
  pluginId: 'model-registry',
  moduleId: 'webhooks',
  register(reg) {
    reg.registerInit({
      deps: {
        subscribers: modelRegistryEventSubscribersExtensionPoint,
        auditor: coreServices.auditor,
        config: coreServices.rootConfig,
        database: coreServices.database,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        scheduler: coreServices.scheduler,
      },
      async init(deps) {
        const store = await DatabaseWebhookStore.create(deps.database);
        deps.permissionsRegistry.addPermissions([webhookManagePermission]);
        deps.subscribers.addSubscriber(createWebhookSender({ store }));
        deps.httpRouter.use(
          createWebhooksRouter({
            store,
            httpAuth: deps.httpAuth,
            permissions: deps.permissions,
            auditor: deps.auditor,
            allowInsecureUrls:
              deps.config.getOptionalBoolean(
                'modelRegistry.webhooks.allowInsecureUrls',
              ) ?? false,
          }),
        );
        await deps.scheduler.scheduleTask({
          id: 'model-registry-webhooks-prune',
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
