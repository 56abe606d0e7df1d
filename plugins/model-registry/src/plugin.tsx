import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { ModelRegistryClient } from '@mlreg/plugin-model-registry-common';
import { RiBrainLine } from '@remixicon/react';
import { modelRegistryApiRef } from './api';
import { rootRouteRef } from './routes';

/** The typed REST client, behind {@link modelRegistryApiRef}. */
export const modelRegistryApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: modelRegistryApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new ModelRegistryClient({ discoveryApi, fetchApi }),
    }),
});

/** The Models page, with its sidebar entry. */
export const modelsPage = PageBlueprint.make({
  params: {
    path: '/models',
    title: 'Models',
    icon: <RiBrainLine />,
    routeRef: rootRouteRef,
    loader: () => import('./components/ModelsPage').then(m => <m.ModelsPage />),
  },
});

/** The Model tab of a Model entity: description, aliases, model card, KPIs. */
export const modelOverviewContent = EntityContentBlueprint.make({
  name: 'model-overview',
  params: {
    path: '/model-overview',
    title: 'Model',
    filter: { kind: 'model' },
    loader: () =>
      import('./components/ModelOverviewContent').then(m => (
        <m.ModelOverviewContent />
      )),
  },
});

/** The Versions tab of a Model entity: the version table and the comparison. */
export const modelVersionsContent = EntityContentBlueprint.make({
  name: 'model-versions',
  params: {
    path: '/versions',
    title: 'Versions',
    filter: { kind: 'model' },
    loader: () =>
      import('./components/ModelVersionsContent').then(m => (
        <m.ModelVersionsContent />
      )),
  },
});

/** The History tab of a Model entity: its audit trail. */
export const modelHistoryContent = EntityContentBlueprint.make({
  name: 'model-history',
  params: {
    path: '/history',
    title: 'History',
    filter: { kind: 'model' },
    loader: () =>
      import('./components/ModelHistoryContent').then(m => (
        <m.ModelHistoryContent />
      )),
  },
});

/** The Deployments tab of a Model entity. */
export const modelDeploymentsContent = EntityContentBlueprint.make({
  name: 'model-deployments',
  params: {
    path: '/deployments',
    title: 'Deployments',
    filter: { kind: 'model' },
    loader: () =>
      import('./components/ModelDeploymentsContent').then(m => (
        <m.ModelDeploymentsContent />
      )),
  },
});

/** The Drift tab of a Model entity. */
export const modelDriftContent = EntityContentBlueprint.make({
  name: 'model-drift',
  params: {
    path: '/drift',
    title: 'Drift',
    filter: { kind: 'model' },
    loader: () =>
      import('./components/ModelDriftContent').then(m => (
        <m.ModelDriftContent />
      )),
  },
});

/** The Lineage tab of a Model entity: where its versions come from and go. */
export const modelLineageContent = EntityContentBlueprint.make({
  name: 'model-lineage',
  params: {
    path: '/lineage',
    title: 'Lineage',
    filter: { kind: 'model' },
    loader: () =>
      import('./components/ModelLineageContent').then(m => (
        <m.ModelLineageContent />
      )),
  },
});

/** The Model Registry frontend plugin for apps on the new frontend system. */
export const modelRegistryFrontendPlugin = createFrontendPlugin({
  pluginId: 'model-registry',
  info: { packageJson: () => import('../package.json') },
  routes: { root: rootRouteRef },
  extensions: [
    modelRegistryApi,
    modelsPage,
    modelOverviewContent,
    modelVersionsContent,
    modelLineageContent,
    modelDriftContent,
    modelDeploymentsContent,
    modelHistoryContent,
  ],
});
