import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { modelRegistryPermissions } from '@mlreg/plugin-model-registry-common';
import { DatabaseModelStore } from './database/DatabaseModelStore';
import {
  modelPermissionResourceRef,
  modelPermissionRules,
} from './permissions/rules';
import { ModelService } from './service/ModelService';
import { createRouter } from './service/router';
import { prepareArtifactDirectory, readStorageConfig } from './storage/config';

/**
 * The Model Registry backend plugin, served under `/api/model-registry`.
 */
export const modelRegistryPlugin = createBackendPlugin({
  pluginId: 'model-registry',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        database: coreServices.database,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        logger: coreServices.logger,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
      },
      async init({
        config,
        database,
        httpAuth,
        httpRouter,
        logger,
        permissions,
        permissionsRegistry,
      }) {
        const storage = readStorageConfig(config);
        await prepareArtifactDirectory(storage);
        logger.info(`Artifacts are stored under ${storage.rootDir}`);

        const store = await DatabaseModelStore.create({ database });
        const models = new ModelService(store);

        permissionsRegistry.addResourceType({
          resourceRef: modelPermissionResourceRef,
          permissions: modelRegistryPermissions,
          rules: modelPermissionRules,
          getResources: names =>
            Promise.all(names.map(name => store.getModel(name))),
        });

        httpRouter.use(await createRouter({ httpAuth, permissions, models }));
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
      },
    });
  },
});
