import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  createRouteRef,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { ModelRegistryClient } from '@mlreg/plugin-model-registry-common';
import { modelRegistryApiRef } from './api';

// Apps on the legacy frontend system (`@backstage/core-plugin-api`) mount
// these by hand: the page on a route, the tabs in their Model entity page.

const legacyRootRouteRef = createRouteRef({ id: 'model-registry' });

/** The Model Registry plugin for apps on the legacy frontend system. */
export const modelRegistryPlugin = createPlugin({
  id: 'model-registry',
  routes: { root: legacyRootRouteRef },
  apis: [
    createApiFactory({
      api: modelRegistryApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new ModelRegistryClient({ discoveryApi, fetchApi }),
    }),
  ],
});

/** A Model entity tab as a legacy component extension. */
function entityContent(name: string, lazy: () => Promise<() => JSX.Element>) {
  return modelRegistryPlugin.provide(
    createComponentExtension({ name, component: { lazy } }),
  );
}

/** The Models page (legacy frontend system). */
export const ModelsPage = modelRegistryPlugin.provide(
  createRoutableExtension({
    name: 'ModelsPage',
    component: () => import('./components/ModelsPage').then(m => m.ModelsPage),
    mountPoint: legacyRootRouteRef,
  }),
);

/** The Model tab of a Model entity (legacy frontend system). */
export const EntityModelOverviewContent = entityContent(
  'EntityModelOverviewContent',
  () =>
    import('./components/ModelOverviewContent').then(
      m => m.ModelOverviewContent,
    ),
);

/** The Versions tab of a Model entity (legacy frontend system). */
export const EntityModelVersionsContent = entityContent(
  'EntityModelVersionsContent',
  () =>
    import('./components/ModelVersionsContent').then(
      m => m.ModelVersionsContent,
    ),
);

/** The Lineage tab of a Model entity (legacy frontend system). */
export const EntityModelLineageContent = entityContent(
  'EntityModelLineageContent',
  () =>
    import('./components/ModelLineageContent').then(m => m.ModelLineageContent),
);

/** The Drift tab of a Model entity (legacy frontend system). */
export const EntityModelDriftContent = entityContent(
  'EntityModelDriftContent',
  () => import('./components/ModelDriftContent').then(m => m.ModelDriftContent),
);

/** The Deployments tab of a Model entity (legacy frontend system). */
export const EntityModelDeploymentsContent = entityContent(
  'EntityModelDeploymentsContent',
  () =>
    import('./components/ModelDeploymentsContent').then(
      m => m.ModelDeploymentsContent,
    ),
);

/** The History tab of a Model entity (legacy frontend system). */
export const EntityModelHistoryContent = entityContent(
  'EntityModelHistoryContent',
  () =>
    import('./components/ModelHistoryContent').then(m => m.ModelHistoryContent),
);
