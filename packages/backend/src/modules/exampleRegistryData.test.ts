import {
  createMockDirectory,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { modelRegistryPlugin } from '@mlreg/plugin-model-registry-backend';
import request from 'supertest';
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

describe('exampleRegistryDataModule', () => {
  const dir = createMockDirectory();

  async function start(file: string) {
    const { server } = await startTestBackend({
      features: [
        modelRegistryPlugin,
        exampleRegistryDataModule,
        mockServices.rootConfig.factory({
          data: {
            modelRegistry: {
              exampleData: file,
              storage: { filesystem: { rootDir: dir.resolve('artifacts') } },
            },
          },
        }),
        mockServices.database.factory(),
      ],
    });
    return server;
  }

  it('seeds models, versions, aliases and KPIs once', async () => {
    dir.setContent({ 'seed.yaml': seed });
    const server = await start(dir.resolve('seed.yaml'));
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
  });

  it('names the config key when the file cannot be read', async () => {
    await expect(start(dir.resolve('missing.yaml'))).rejects.toThrow(
      /modelRegistry.exampleData ".*missing.yaml" is not a readable example data file/,
    );
  });
});
