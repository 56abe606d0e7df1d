import { BackendFeature, ServiceFactory } from '@backstage/backend-plugin-api';
import {
  createMockDirectory,
  mockServices,
  startTestBackend,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
// The tests run the real registry; the module itself never imports it.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import { modelRegistryPlugin } from '@mlreg/plugin-model-registry-backend';
import { Server } from 'node:http';
import { modelRegistryModuleMlflow } from '../module';

/** The databases every test of this package runs on. */
export const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_15'],
});

/**
 * Starts the real registry plugin with the MLflow module on a fresh
 * database, artifacts in a temporary directory.
 */
export async function startBackend(
  databaseId: TestDatabaseId,
  options: {
    config?: Record<string, unknown>;
    features?: Array<ServiceFactory | BackendFeature>;
  } = {},
): Promise<{ server: Server }> {
  const knex = await databases.init(databaseId);
  const artifactDir = createMockDirectory();
  const { server } = await startTestBackend({
    features: [
      modelRegistryPlugin,
      modelRegistryModuleMlflow,
      mockServices.database.factory({ knex }),
      catalogServiceMock.factory({ entities: [] }),
      mockServices.rootConfig.factory({
        data: {
          modelRegistry: {
            storage: { filesystem: { rootDir: artifactDir.path } },
            ...options.config,
          },
        },
      }),
      ...(options.features ?? []),
    ],
  });
  return { server };
}
