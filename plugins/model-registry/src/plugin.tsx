import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
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

/** The Model Registry frontend plugin for apps on the new frontend system. */
export const modelRegistryPlugin = createFrontendPlugin({
  pluginId: 'model-registry',
  info: { packageJson: () => import('../package.json') },
  routes: { root: rootRouteRef },
  extensions: [modelRegistryApi, modelsPage],
});
