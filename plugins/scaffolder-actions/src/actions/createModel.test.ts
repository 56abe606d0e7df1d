import { mockCredentials } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { ModelRegistryService } from '@mlreg/plugin-model-registry-node';
import { startRegistry } from '../__testUtils__/startRegistry';
import { createModelAction } from './createModel';

jest.setTimeout(60_000);

describe('model-registry:model:create', () => {
  const user = mockCredentials.user();
  let registry: ModelRegistryService;

  beforeAll(async () => {
    registry = await startRegistry();
  });

  function action() {
    return createModelAction({ registry });
  }

  it('registers the model as the user who runs the template', async () => {
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
    expect(ctx.output).toHaveBeenCalledWith(
      'entityRef',
      'model:default/churn-predictor',
    );

    const model = await registry.getModel('churn-predictor', {
      credentials: user,
    });
    expect(model.links.repoUrl).toBe('https://github.com/acme/churn-predictor');
    expect(model.createdBy).toBe(user.principal.userEntityRef);
  });

  it('links the Jira project, and ignores the empty strings a template passes for unset parameters', async () => {
    const ctx = createMockActionContext({
      input: {
        name: 'with-jira',
        owner: 'group:default/data-science',
        description: '',
        repoUrl: '',
        jiraProject: 'MLR',
      },
    });
    await action().handler(ctx);
    const model = await registry.getModel('with-jira', { credentials: user });
    expect(model.links).toEqual({ jiraProject: 'MLR' });
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
    await expect(
      registry.getModel('dry-model', { credentials: user }),
    ).rejects.toThrow(/404 Not Found/);
  });
});

describe('model-registry:model:create on behalf of the runner', () => {
  it("registers with the template runner's credentials, not the scaffolder's", async () => {
    const registry = await startRegistry();
    const runner = mockCredentials.user('user:default/rita');
    const ctx = {
      ...createMockActionContext({
        input: { name: 'ritas-model', owner: 'group:default/data-science' },
      }),
      getInitiatorCredentials: async () => runner,
    };
    await createModelAction({ registry }).handler(ctx);
    const model = await registry.getModel('ritas-model', {
      credentials: runner,
    });
    expect(model.createdBy).toBe('user:default/rita');
  });
});
