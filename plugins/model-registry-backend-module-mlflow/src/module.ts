import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { modelRegistryServiceRef } from '@mlreg/plugin-model-registry-node';
import Router from 'express-promise-router';
import { MlflowService } from './MlflowService';
import { createMlflowRouter, MLFLOW_BASE_PATH } from './router';

/**
 * Serves MLflow's model registry REST API under
 * `/api/model-registry/mlflow/api/2.0/mlflow` (and `.../preview/mlflow`),
 * on the registry plugin's router.
 */
export const modelRegistryModuleMlflow = createBackendModule({
  pluginId: 'model-registry',
  moduleId: 'mlflow',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        logger: coreServices.logger,
        registry: modelRegistryServiceRef,
      },
      async init({ config, httpAuth, httpRouter, logger, registry }) {
        const defaultOwner = config.getOptionalString(
          'modelRegistry.mlflow.defaultOwner',
        );
        if (
          defaultOwner !== undefined &&
          !/^[a-z][a-z0-9-]*:[a-z0-9-_.]+\/[a-z0-9-_.]+$/i.test(defaultOwner)
        ) {
          throw new Error(
            `modelRegistry.mlflow.defaultOwner must be an entity ref like group:default/ml-platform, got "${defaultOwner}"`,
          );
        }
        const service = new MlflowService(registry, { defaultOwner });
        const router = Router();
        router.use(
          MLFLOW_BASE_PATH,
          createMlflowRouter({ service, httpAuth, logger }),
        );
        httpRouter.use(router);
        // The MLflow router authenticates by itself, to answer a missing or
        // bad token in MLflow's error format.
        httpRouter.addAuthPolicy({
          path: MLFLOW_BASE_PATH,
          allow: 'unauthenticated',
        });
      },
    });
  },
});
