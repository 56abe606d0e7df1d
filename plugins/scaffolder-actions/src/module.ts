import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { ScmIntegrations } from '@backstage/integration';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { modelRegistryServiceRef } from '@mlreg/plugin-model-registry-node';
import { createModelAction } from './actions/createModel';
import { createJiraEpicCreateAction } from './actions/jiraEpicCreate';
import { createPipelineCreateAction } from './actions/pipelineCreate';
import { createRepoCreateAction } from './actions/repoCreate';
import {
  createLocalGitRouter,
  readLocalGitConfig,
} from './localGit/localGitRouter';

/**
 * Adds the Model Registry actions to the scaffolder, and serves the local
 * git directory for cloning when `modelRegistry.scaffolder.localGit.serve`
 * is on.
 */
export const scaffolderModuleModelRegistry = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'model-registry',
  register({ registerInit }) {
    registerInit({
      deps: {
        scaffolderActions: scaffolderActionsExtensionPoint,
        registry: modelRegistryServiceRef,
        config: coreServices.rootConfig,
        discovery: coreServices.discovery,
        httpRouter: coreServices.httpRouter,
        logger: coreServices.logger,
      },
      async init({
        scaffolderActions,
        registry,
        config,
        discovery,
        httpRouter,
        logger,
      }) {
        const integrations = ScmIntegrations.fromConfig(config);
        const localGit = readLocalGitConfig(config);
        scaffolderActions.addActions(
          createModelAction({ registry }),
          createRepoCreateAction({ integrations, config, discovery }),
          createJiraEpicCreateAction({ config }),
          createPipelineCreateAction({ config, discovery }),
        );
        if (localGit?.serve) {
          httpRouter.use(createLocalGitRouter(localGit.rootDir));
          httpRouter.addAuthPolicy({
            path: '/local-git',
            allow: 'unauthenticated',
          });
          logger.info(
            `Serving the git repositories in ${localGit.rootDir} read-only at /local-git`,
          );
        }
      },
    });
  },
});
