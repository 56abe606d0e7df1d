import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createModelAction } from './actions/createModel';

/** Adds the Model Registry actions to the scaffolder. */
export const scaffolderModuleModelRegistry = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'model-registry',
  register({ registerInit }) {
    registerInit({
      deps: {
        scaffolderActions: scaffolderActionsExtensionPoint,
        auth: coreServices.auth,
        discovery: coreServices.discovery,
      },
      async init({ scaffolderActions, auth, discovery }) {
        scaffolderActions.addActions(createModelAction({ auth, discovery }));
      },
    });
  },
});
