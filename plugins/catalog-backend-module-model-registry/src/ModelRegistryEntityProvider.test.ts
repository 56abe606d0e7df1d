import {
  createMockDirectory,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import { modelRegistryPlugin } from '@mlreg/plugin-model-registry-backend';
import { EntityProviderMutation } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { Model, ModelRegistryApi } from '@mlreg/plugin-model-registry-common';
import request from 'supertest';
import { catalogModuleModelRegistry } from './module';
import { ModelRegistryEntityProvider } from './ModelRegistryEntityProvider';

jest.setTimeout(120_000);

const owner = 'group:default/data-science';

/** Polls `fn` until it returns a value, or fails after `timeoutMs`. */
async function eventually<T>(
  fn: () => Promise<T | undefined>,
  timeoutMs = 30_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise(r => setTimeout(r, 250));
  }
}

describe('ModelRegistryEntityProvider with the real catalog', () => {
  const dir = createMockDirectory();

  it('publishes registry models, follows changes, and lets catalog-info files win', async () => {
    dir.setContent({
      'catalog-info.yaml': `
apiVersion: mlreg.io/v1alpha1
kind: Model
metadata:
  name: declared-model
  description: Declared in its repository
spec:
  type: classification
  lifecycle: production
  owner: ${owner}
`,
    });
    const { server } = await startTestBackend({
      features: [
        catalogPlugin,
        modelRegistryPlugin,
        catalogModuleModelRegistry,
        // The real scheduler: the mock one runs tasks only when triggered.
        schedulerServiceFactory,
        mockServices.rootConfig.factory({
          data: {
            catalog: {
              rules: [{ allow: ['Model', 'Location'] }],
              locations: [
                { type: 'file', target: dir.resolve('catalog-info.yaml') },
              ],
              providers: {
                modelRegistry: {
                  schedule: {
                    frequency: { seconds: 3 },
                    timeout: { minutes: 1 },
                    initialDelay: { seconds: 1 },
                  },
                },
              },
            },
            modelRegistry: {
              storage: { filesystem: { rootDir: dir.resolve('artifacts') } },
            },
          },
        }),
      ],
    });
    const api = request(server);
    const entity = (name: string) =>
      api.get(`/api/catalog/entities/by-name/model/default/${name}`);

    // The file-declared model exists, so the registry model of the same name
    // must not be published over it.
    await eventually(async () =>
      (await entity('declared-model')).status === 200 ? true : undefined,
    );
    await api
      .post('/api/model-registry/models')
      .send({ name: 'declared-model', owner: 'group:default/ml-platform' })
      .expect(201);

    // Delta: a model created through the API appears without a restart.
    const started = Date.now();
    await api
      .post('/api/model-registry/models')
      .send({
        name: 'api-model',
        owner,
        description: 'Registered through the API',
        task: 'ranking',
        framework: 'pytorch',
        tags: ['growth', 'v1.2'],
        links: {
          repoUrl: 'https://github.com/acme/api-model',
          jiraProject: 'API',
        },
      })
      .expect(201);
    const published = await eventually(async () => {
      const res = await entity('api-model');
      return res.status === 200 ? res.body : undefined;
    });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(published).toMatchObject({
      apiVersion: 'mlreg.io/v1alpha1',
      kind: 'Model',
      metadata: {
        description: 'Registered through the API',
        tags: ['growth'],
        annotations: {
          'mlreg.io/registry-name': 'api-model',
          'jira/project-key': 'API',
        },
      },
      spec: {
        type: 'ranking',
        owner,
        framework: 'pytorch',
        lifecycle: 'experimental',
      },
    });
    expect(published.relations).toContainEqual({
      type: 'ownedBy',
      targetRef: owner,
    });

    // A new version and an alias update the summary annotations.
    await api
      .post('/api/model-registry/models/api-model/versions')
      .send({ artifact: { uri: 'https://models.example/1.pt' } })
      .expect(201);
    await api
      .put('/api/model-registry/models/api-model/aliases/production')
      .send({ version: 1 })
      .expect(200);
    await eventually(async () => {
      const res = await entity('api-model');
      const a = res.body.metadata?.annotations ?? {};
      return a['mlreg.io/aliases'] === 'production=1' &&
        a['mlreg.io/latest-version'] === '1' &&
        res.body.spec.lifecycle === 'production'
        ? true
        : undefined;
    });

    // Archived models leave the catalog.
    await api.post('/api/model-registry/models/api-model/archive').expect(200);
    await eventually(async () =>
      (await entity('api-model')).status === 404 ? true : undefined,
    );

    // The file's entity was never replaced.
    const declared = await entity('declared-model').expect(200);
    expect(declared.body.metadata.description).toBe(
      'Declared in its repository',
    );
    expect(declared.body.spec.owner).toBe(owner);
  });
});

describe('ModelRegistryEntityProvider.refresh', () => {
  const model = (name: string) =>
    ({
      name,
      owner,
      description: '',
      tags: [],
      links: {},
      archived: false,
      aliases: {},
    } as unknown as Model);

  /** A registry of `pages`, each a list of model names; `failAt` throws. */
  function setup(pages: string[][], options: { failAt?: number } = {}) {
    const mutations: EntityProviderMutation[] = [];
    const listModels = jest.fn(async ({ cursor }: { cursor?: string }) => {
      const index = Number(cursor ?? 0);
      if (index === options.failAt) throw new Error('registry unavailable');
      return {
        items: pages[index].map(model),
        nextCursor: index + 1 < pages.length ? String(index + 1) : undefined,
      };
    });
    const provider = new ModelRegistryEntityProvider({
      registry: { listModels } as unknown as ModelRegistryApi,
      catalog: catalogServiceMock({
        entities: [
          {
            apiVersion: 'mlreg.io/v1alpha1',
            kind: 'Model',
            metadata: {
              name: 'declared',
              annotations: {
                'backstage.io/managed-by-location': 'url:https://x/y.yaml',
              },
            },
            spec: { type: 'llm', lifecycle: 'production', owner },
          },
        ],
      }),
      auth: mockServices.auth(),
      logger: mockServices.logger.mock(),
      taskRunner: { run: async () => {} },
      registryUrl: async () => 'http://registry/api/model-registry',
    });
    return { provider, mutations, listModels };
  }

  async function connect(
    provider: ModelRegistryEntityProvider,
    mutations: EntityProviderMutation[],
  ) {
    await provider.connect({
      applyMutation: async m => {
        mutations.push(m);
      },
      refresh: async () => {},
    });
  }

  const names = (entities: Array<{ entity: { metadata: { name: string } } }>) =>
    entities.map(e => e.entity.metadata.name);

  it('hands each page over as soon as it is read, then replaces everything with one full mutation', async () => {
    const { provider, mutations, listModels } = setup([
      ['a', 'declared'],
      ['b', 'c'],
    ]);
    await connect(provider, mutations);

    await expect(provider.refresh()).resolves.toBe(3);

    expect(listModels).toHaveBeenCalledWith(
      { limit: 200, cursor: undefined },
      expect.anything(),
    );
    expect(mutations.map(m => m.type)).toEqual(['delta', 'delta', 'full']);
    const [first, second, full] = mutations;
    expect(first.type === 'delta' && names(first.added)).toEqual(['a']);
    expect(second.type === 'delta' && names(second.added)).toEqual(['b', 'c']);
    expect(full.type === 'full' && names(full.entities)).toEqual([
      'a',
      'b',
      'c',
    ]);
    expect(full.type === 'full' && full.entities[0].locationKey).toBe(
      'model-registry:a',
    );
  });

  it('gives the same entities on every run, so unchanged models cost the catalog nothing', async () => {
    const { provider, mutations } = setup([['a', 'b']]);
    await connect(provider, mutations);
    await provider.refresh();
    await provider.refresh();
    const fulls = mutations.filter(m => m.type === 'full');
    expect(fulls).toHaveLength(2);
    expect(fulls[1]).toEqual(fulls[0]);
  });

  it('removes nothing when reading the registry fails half-way', async () => {
    const { provider, mutations } = setup([['a'], ['b']], { failAt: 1 });
    await connect(provider, mutations);

    await expect(provider.refresh()).rejects.toThrow('registry unavailable');

    expect(mutations.map(m => m.type)).toEqual(['delta']);
  });
});
