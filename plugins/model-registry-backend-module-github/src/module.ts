import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { modelRegistryServiceRef } from '@mlreg/plugin-model-registry-node';
import { DatabaseGithubDeliveryStore } from './GithubDeliveryStore';
import { createGithubRouter } from './router';

/**
 * Receives GitHub webhooks at `/api/model-registry/github/webhook` and
 * registers versions of the models whose repository sent them.
 */
export const modelRegistryModuleGithub = createBackendModule({
  pluginId: 'model-registry',
  moduleId: 'github',
  register(reg) {
    reg.registerInit({
      deps: {
        auth: coreServices.auth,
        catalog: catalogServiceRef,
        config: coreServices.rootConfig,
        database: coreServices.database,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        logger: coreServices.logger,
        permissions: coreServices.permissions,
        registry: modelRegistryServiceRef,
      },
      async init(deps) {
        const github = deps.config.getOptionalConfig('modelRegistry.github');
        if (!github) {
          deps.logger.info(
            'GitHub webhooks are not configured (modelRegistry.github); off',
          );
          return;
        }
        const secrets = [
          github.getString('webhookSecret'),
          ...(github.getOptionalString('previousWebhookSecret') !== undefined
            ? [github.getString('previousWebhookSecret')]
            : []),
        ];
        if (secrets.some(s => s.trim().length < 16)) {
          throw new Error(
            'modelRegistry.github.webhookSecret and previousWebhookSecret must be at least 16 characters',
          );
        }
        const metadataFile =
          github.getOptionalString('metadataFile') ?? 'model.yaml';
        if (!metadataFile || metadataFile.startsWith('/')) {
          throw new Error(
            `modelRegistry.github.metadataFile must be a path relative to the repository root, got "${metadataFile}"`,
          );
        }
        deps.httpRouter.use(
          createGithubRouter({
            secrets,
            metadataFile,
            store: await DatabaseGithubDeliveryStore.create(deps.database),
            registry: deps.registry,
            catalog: deps.catalog,
            auth: deps.auth,
            httpAuth: deps.httpAuth,
            permissions: deps.permissions,
            logger: deps.logger,
          }),
        );
        // GitHub signs its deliveries instead of sending a Backstage token.
        deps.httpRouter.addAuthPolicy({
          path: '/github/webhook',
          allow: 'unauthenticated',
        });
      },
    });
  },
});
