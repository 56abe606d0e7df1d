import { mockCredentials } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { ModelRegistryService } from '@mlreg/plugin-model-registry-node';
import yaml from 'yaml';
import { startRegistry } from '../__testUtils__/startRegistry';
import { createModelAction } from './createModel';
import { examples } from './createModel.examples';

jest.setTimeout(60_000);

describe('model-registry:model:create examples', () => {
  let registry: ModelRegistryService;

  beforeAll(async () => {
    registry = await startRegistry();
  });

  it.each(examples.map(e => [e.description, e.example]))(
    '%s',
    async (_description, example) => {
      const [step] = yaml.parse(example).steps;
      expect(step.action).toBe('model-registry:model:create');
      const ctx = createMockActionContext({ input: step.input });

      await createModelAction({ registry }).handler(ctx);

      const { name, repoUrl, ...fields } = step.input;
      expect(ctx.output).toHaveBeenCalledWith('modelName', name);
      const model = await registry.getModel(name, {
        credentials: mockCredentials.user(),
      });
      expect(model).toMatchObject(fields);
      expect(model.links.repoUrl).toBe(repoUrl);
    },
  );
});
