import {
  createMockDirectory,
  mockServices,
  startTestBackend,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { BackendFeature, ServiceFactory } from '@backstage/backend-plugin-api';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { Entity } from '@backstage/catalog-model';
import { modelRegistryPlugin } from '../plugin';

/** The databases every database test of this package runs on. */
export const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_15'],
});

/**
 * Starts the real plugin on a fresh database of the given kind, behind the
 * real HTTP stack, with its artifacts in a temporary directory.
 */
export async function startRegistry(
  databaseId: TestDatabaseId,
  options: {
    /** Extra features: service factories, plugins and modules. */
    features?: Array<ServiceFactory | BackendFeature>;
    /** Extra keys under `modelRegistry`. */
    config?: Record<string, unknown>;
    /** Extra top-level config keys. */
    rootConfig?: Record<string, unknown>;
    catalogEntities?: Entity[];
  } = {},
) {
  const knex = await databases.init(databaseId);
  const artifactDir = createMockDirectory();
  const { server } = await startTestBackend({
    features: [
      modelRegistryPlugin,
      mockServices.database.factory({ knex }),
      catalogServiceMock.factory({ entities: options.catalogEntities ?? [] }),
      mockServices.rootConfig.factory({
        data: {
          ...options.rootConfig,
          modelRegistry: {
            storage: { filesystem: { rootDir: artifactDir.resolve('store') } },
            // Every answer of every test is checked against the API document.
            api: { validateResponses: true },
            ...options.config,
          },
        },
      }),
      ...(options.features ?? []),
    ],
  });
  return { server, knex, artifactDir };
}
