import { createApiRef } from '@backstage/frontend-plugin-api';
import { ModelRegistryApi } from '@mlreg/plugin-model-registry-common';

/** The Model Registry REST API, as seen by the frontend. */
export const modelRegistryApiRef = createApiRef<ModelRegistryApi>().with({
  id: 'plugin.model-registry.api',
  pluginId: 'model-registry',
});
