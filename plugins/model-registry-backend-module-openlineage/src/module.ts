import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { modelRegistryServiceRef } from '@mlreg/plugin-model-registry-node';
import { createOpenLineageRouter } from './router';

/**
 * Accepts OpenLineage RunEvents at
 * `/api/model-registry/openlineage/api/v1/lineage`, on the registry
 * plugin's router.
 */
export const modelRegistryModuleOpenLineage = createBackendModule({
  pluginId: 'model-registry',
  moduleId: 'openlineage',
  register(env) {
    env.registerInit({
      deps: {
        catalog: catalogServiceRef,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        registry: modelRegistryServiceRef,
      },
      async init({ catalog, httpAuth, httpRouter, registry }) {
        httpRouter.use(
          createOpenLineageRouter({ registry, catalog, httpAuth }),
        );
      },
    });
  },
});
