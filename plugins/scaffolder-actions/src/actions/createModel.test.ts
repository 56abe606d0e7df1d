import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { modelRegistryPlugin } from '@mlreg/plugin-model-registry-backend';
import { ModelRegistryClient } from '@mlreg/plugin-model-registry-common';
import { createMockDirectory } from '@backstage/backend-test-utils';
import { AddressInfo } from 'node:net';
import { createModelAction } from './createModel';

jest.setTimeout(60_000);

describe('model-registry:model:create', () => {
  const artifactDir = createMockDirectory();
  let baseUrl: string;

  beforeAll(async () => {
    // The real registry backend, on SQLite, behind the real HTTP stack.
    const { server } = await startTestBackend({
      features: [
        modelRegistryPlugin,
        mockServices.rootConfig.factory({
          data: {
            modelRegistry: {
              storage: { filesystem: { rootDir: artifactDir.path } },
            },
          },
        }),
      ],
    });
    const { port } = server.address() as AddressInfo;
    baseUrl = `http://localhost:${port}/api/model-registry`;
  });

  function client() {
    return new ModelRegistryClient({
      discoveryApi: { getBaseUrl: async () => baseUrl },
    });
  }

  async function readModel(name: string) {
    const auth = mockServices.auth();
    const { token } = await auth.getPluginRequestToken({
      onBehalfOf: await auth.getOwnServiceCredentials(),
      targetPluginId: 'model-registry',
    });
    return client().getModel(name, { token });
  }

  function action() {
    return createModelAction({
      auth: mockServices.auth(),
      discovery: mockServices.discovery(),
      client: client(),
    });
  }

  it('registers the model and outputs its name', async () => {
    const ctx = createMockActionContext({
      input: {
        name: 'churn-predictor',
        owner: 'group:default/data-science',
        task: 'classification',
        repoUrl: 'https://github.com/acme/churn-predictor',
      },
    });
    await action().handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith('modelName', 'churn-predictor');

    const model = await readModel('churn-predictor');
    expect(model.links.repoUrl).toBe('https://github.com/acme/churn-predictor');
  });

  it('rejects an invalid name before calling the registry', async () => {
    const ctx = createMockActionContext({
      input: { name: 'Not Valid', owner: 'group:default/data-science' },
    });
    await expect(action().handler(ctx)).rejects.toThrow(/lowercase/);
  });

  it('surfaces a conflict from the registry', async () => {
    const input = { name: 'dup-model', owner: 'group:default/data-science' };
    await action().handler(createMockActionContext({ input }));
    await expect(
      action().handler(createMockActionContext({ input })),
    ).rejects.toThrow(
      'Registering model dup-model failed: model "dup-model" already exists',
    );
  });

  it('does not write in a dry run', async () => {
    // createMockActionContext drops isDryRun, so it is set afterwards.
    const ctx = {
      ...createMockActionContext({
        input: { name: 'dry-model', owner: 'group:default/data-science' },
      }),
      isDryRun: true,
    };
    await action().handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith('modelName', 'dry-model');
    await expect(readModel('dry-model')).rejects.toThrow(/404 Not Found/);
  });
});
