import {
  createBackendPlugin,
  ServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  createMockDirectory,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
// The tests run the real registry; the module itself never imports it.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import { modelRegistryPlugin } from '@mlreg/plugin-model-registry-backend';
import {
  ModelRegistryService,
  modelRegistryServiceRef,
} from '@mlreg/plugin-model-registry-node';

/**
 * Starts the real registry backend (SQLite, artifacts in a temporary
 * directory) and returns the registry service modules get, which calls it
 * over HTTP with the credentials of each call.
 */
export async function startRegistry(
  features: ServiceFactory[] = [],
): Promise<ModelRegistryService> {
  const artifactDir = createMockDirectory();
  let registry: ModelRegistryService | undefined;
  await startTestBackend({
    features: [
      modelRegistryPlugin,
      mockServices.rootConfig.factory({
        data: {
          modelRegistry: {
            storage: { filesystem: { rootDir: artifactDir.path } },
          },
        },
      }),
      createBackendPlugin({
        pluginId: 'registry-caller',
        register(env) {
          env.registerInit({
            deps: { service: modelRegistryServiceRef },
            async init({ service }) {
              registry = service;
            },
          });
        },
      }),
      ...features,
    ],
  });
  return registry!;
}
