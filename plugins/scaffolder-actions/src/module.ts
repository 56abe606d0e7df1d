import { createBackendModule } from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { modelRegistryServiceRef } from '@mlreg/plugin-model-registry-node';
import { createModelAction } from './actions/createModel';

/** Adds the Model Registry actions to the scaffolder. */
export const scaffolderModuleModelRegistry = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'model-registry',
  register({ registerInit }) {
    registerInit({
      deps: {
        scaffolderActions: scaffolderActionsExtensionPoint,
        registry: modelRegistryServiceRef,
      },
      async init({ scaffolderActions, registry }) {
        scaffolderActions.addActions(createModelAction({ registry }));
      },
    });
  },
});
