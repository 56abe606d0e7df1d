import {
  createMockDirectory,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { AppConfig, ConfigReader } from '@backstage/config';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { modelRegistryPlugin } from '@mlreg/plugin-model-registry-backend';
import { readFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import request from 'supertest';
import yaml from 'yaml';
import { exampleRegistryDataModule } from './exampleRegistryData';

jest.setTimeout(60_000);

const seed = `
models:
  - name: seeded-model
    owner: group:default/data-science
    task: classification
    versions:
      - artifact: { uri: 'https://models.example/1.onnx' }
        metrics: [{ key: auc, value: 0.9 }]
      - artifact: { uri: 'https://models.example/2.onnx' }
    aliases: { production: 2 }
    kpis:
      - { name: revenue-impact, value: 1000, unit: EUR }
`;

type JsonObject = AppConfig['data'];

const repoRoot = resolvePath(__dirname, '../../../..');
/** The backend's working directory, which config paths are relative to. */
const backendDir = resolvePath(repoRoot, 'packages/backend');

/** A config file of this repository, as the config loader reads it. */
function repoConfig(name: string): JsonObject {
  return yaml.parse(readFileSync(resolvePath(repoRoot, name), 'utf8'));
}

describe('exampleRegistryDataModule', () => {
  const dir = createMockDirectory();
  // An in-memory database whatever backend.database says, so that the
  // module sees the production config without a PostgreSQL server.
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

  /** Starts the registry with the module; later layers win, as in Backstage. */
  async function start(...layers: JsonObject[]) {
    const logger = mockServices.logger.mock();
    const merged = ConfigReader.fromConfigs([
      ...layers.map(data => ({ data, context: 'test' })),
      {
        context: 'test-overrides',
        data: {
          modelRegistry: {
            storage: { filesystem: { rootDir: dir.resolve('artifacts') } },
          },
        },
      },
    ]).get<JsonObject>();
    const { server } = await startTestBackend({
      features: [
        modelRegistryPlugin,
        exampleRegistryDataModule,
        mockServices.rootConfig.factory({ data: merged }),
        mockServices.database.factory({
          knex: await databases.init('SQLITE_3'),
        }),
        logger.factory,
        // The base config enables permissions; there is no policy here.
        mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
      ],
    });
    const models = async () =>
      (await request(server).get('/api/model-registry/models').expect(200)).body
        .items as Array<{ name: string }>;
    return { server, logger, models };
  }

  const sqlite = { backend: { database: { client: 'better-sqlite3' } } };

  it('seeds models, versions, aliases and KPIs once', async () => {
    dir.setContent({ 'seed.yaml': seed });
    const { server, logger } = await start(sqlite, {
      modelRegistry: { exampleData: dir.resolve('seed.yaml') },
    });
    const model = await request(server)
      .get('/api/model-registry/models/seeded-model')
      .expect(200);
    expect(model.body).toMatchObject({
      latestVersion: 2,
      aliases: { production: 2 },
    });
    const kpis = await request(server)
      .get('/api/model-registry/models/seeded-model/kpis')
      .expect(200);
    expect(kpis.body.items).toEqual([
      expect.objectContaining({ name: 'revenue-impact', value: 1000 }),
    ]);
    expect(logger.info).toHaveBeenCalledWith(
      expect.stringMatching(/^Loading example registry data from .*seed.yaml/),
    );
    expect(logger.info).toHaveBeenCalledWith(
      'Seeded 1 example models into the registry',
    );
  });

  it('names the config key when the file cannot be read', async () => {
    await expect(
      start(sqlite, {
        modelRegistry: { exampleData: dir.resolve('missing.yaml') },
      }),
    ).rejects.toThrow(
      /modelRegistry.exampleData ".*missing.yaml" is not a readable example data file/,
    );
  });

  describe('with the config files of this repository', () => {
    const base = repoConfig('app-config.yaml');
    const example = repoConfig('app-config.example.yaml');
    const production = repoConfig('app-config.production.yaml');
    // As the backend resolves it: relative to its working directory.
    const exampleData = {
      modelRegistry: {
        exampleData: resolvePath(
          backendDir,
          (example.modelRegistry as JsonObject).exampleData as string,
        ),
      },
    };

    it('loads nothing with the base config alone, and says so', async () => {
      const { logger, models } = await start(base);
      expect(await models()).toEqual([]);
      expect(logger.info).toHaveBeenCalledWith(
        'Not loading example registry data: modelRegistry.exampleData is not set',
      );
    });

    it('seeds the example portal (base + example config)', async () => {
      const { server, logger, models } = await start(
        base,
        example,
        exampleData,
      );
      expect((await models()).map(m => m.name)).toEqual(
        expect.arrayContaining(['fraud-detector']),
      );
      // The fraud detector's production traffic drifted from its v2 reference:
      // a computed report, and the model counts as drifting.
      const reports = await request(server)
        .get('/api/model-registry/models/fraud-detector/drift/reports')
        .expect(200);
      expect(reports.body.items).toEqual([
        expect.objectContaining({
          version: 2,
          environment: 'production',
          verdict: 'drift',
          features: expect.arrayContaining([
            expect.objectContaining({
              feature: 'amount',
              method: 'wasserstein',
              drifted: true,
            }),
          ]),
        }),
      ]);
      const drifting = await request(server)
        .get('/api/model-registry/models?drift=drifting')
        .expect(200);
      expect(drifting.body.items.map((m: { name: string }) => m.name)).toEqual([
        'fraud-detector',
      ]);
      expect(logger.info).toHaveBeenCalledWith(
        expect.stringMatching(
          /^Loading example registry data from .*registry-seed.yaml \(\d+ models\): .*database is better-sqlite3/,
        ),
      );
      expect(logger.warn).not.toHaveBeenCalled();
    });

    it('loads nothing with the production config layered', async () => {
      const { logger, models } = await start(base, production);
      expect(await models()).toEqual([]);
      expect(logger.info).toHaveBeenCalledWith(
        'Not loading example registry data: modelRegistry.exampleData is not set',
      );
    });

    it('refuses, and says why, when a production config sets the key', async () => {
      // Even the example file layered over the production config, or the key
      // in a deployment's own config: the registry is on PostgreSQL.
      const { logger, models } = await start(
        base,
        example,
        production,
        exampleData,
      );
      expect(await models()).toEqual([]);
      expect(logger.warn).toHaveBeenCalledWith(
        expect.stringMatching(
          /^Refusing to load example registry data: .*database client is pg, not SQLite/,
        ),
      );
    });

    it('refuses when only the registry is moved to PostgreSQL', async () => {
      const { logger, models } = await start(base, example, exampleData, {
        backend: {
          database: { plugin: { 'model-registry': { client: 'pg' } } },
        },
      });
      expect(await models()).toEqual([]);
      expect(logger.warn).toHaveBeenCalledWith(
        expect.stringMatching(/database client is pg, not SQLite/),
      );
    });
  });
});
