import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, ResponseError } from '@backstage/errors';
import { describeInvalidModelName } from '@mlreg/plugin-model-registry-common';
import { ModelRegistryService } from '@mlreg/plugin-model-registry-node';
import { examples } from './createModel.examples';

/**
 * `model-registry:model:create`: registers a model in the Model Registry on
 * behalf of the user who runs the template.
 */
export function createModelAction(options: { registry: ModelRegistryService }) {
  const { registry } = options;
  return createTemplateAction({
    id: 'model-registry:model:create',
    description: 'Registers a model in the Model Registry.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        name: z =>
          z.string({
            description: 'Model name: lowercase letters, digits and -',
          }),
        owner: z =>
          z.string({
            description:
              'Entity ref of the owning group or user, e.g. group:default/data-science',
          }),
        description: z =>
          z.string({ description: 'What the model does' }).optional(),
        task: z =>
          z
            .string({ description: 'Task type, e.g. classification' })
            .optional(),
        framework: z =>
          z.string({ description: 'Framework, e.g. pytorch' }).optional(),
        tags: z =>
          z.array(z.string(), { description: 'Tags of the model' }).optional(),
        repoUrl: z =>
          z.string({ description: 'URL of the model repository' }).optional(),
        jiraProject: z =>
          z
            .string({ description: 'Key of the Jira project of the model' })
            .optional(),
      },
      output: {
        modelName: z =>
          z.string({ description: 'Name of the registered model' }),
        entityRef: z =>
          z.string({
            description:
              'Catalog entity ref of the model, e.g. model:default/churn-predictor',
          }),
      },
    },
    async handler(ctx) {
      // A template passes an unset parameter as an empty string.
      const given = Object.fromEntries(
        Object.entries(ctx.input).filter(([, v]) => v !== ''),
      ) as typeof ctx.input;
      const { name, repoUrl, jiraProject, ...rest } = given;
      const invalid = describeInvalidModelName(name);
      if (invalid) throw new InputError(invalid);
      const entityRef = stringifyEntityRef({ kind: 'model', name });
      const links =
        repoUrl || jiraProject
          ? {
              ...(repoUrl ? { repoUrl } : {}),
              ...(jiraProject ? { jiraProject } : {}),
            }
          : undefined;
      if (ctx.isDryRun) {
        ctx.logger.info(`Dry run: would register model ${name}`);
        ctx.output('modelName', name);
        ctx.output('entityRef', entityRef);
        return;
      }
      const model = await ctx.checkpoint({
        key: `model-registry.model.create.${name}`,
        fn: async () => {
          try {
            // As the user who runs the template, with their permissions.
            const created = await registry.createModel(
              { name, ...rest, links },
              { credentials: await ctx.getInitiatorCredentials() },
            );
            return { name: created.name };
          } catch (error) {
            // The registry's own message says what is wrong with the input.
            const reason =
              error instanceof ResponseError
                ? error.cause.message
                : String(error);
            throw new Error(`Registering model ${name} failed: ${reason}`);
          }
        },
      });
      ctx.logger.info(`Registered model ${model.name}`);
      ctx.output('modelName', model.name);
      ctx.output('entityRef', entityRef);
    },
  });
}
