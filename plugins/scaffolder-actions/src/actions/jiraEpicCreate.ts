import { RootConfigService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  adf,
  JiraClient,
  JiraNotFoundError,
  readJiraConfig,
} from '@mlreg/jira-client';
import { z } from 'zod/v3';
import { examples } from './jiraEpicCreate.examples';
import { parseInput } from './parseInput';

/** The child issues an epic gets unless the template lists its own. */
export const DEFAULT_CHECKLIST = [
  {
    summary: 'Data preparation',
    description:
      'Source, validate and version the training and evaluation data sets.',
  },
  {
    summary: 'Training',
    description:
      'Train the first model version in CI and register it in the Model Registry.',
  },
  {
    summary: 'Evaluation',
    description:
      'Evaluate against the agreed metrics and the current production model.',
  },
  {
    summary: 'Model card',
    description:
      'Document intended use, data, metrics, limitations and ethical considerations.',
  },
  {
    summary: 'Deployment',
    description:
      'Deploy to staging, then promote to production through an approved promotion.',
  },
  {
    summary: 'Monitoring',
    description:
      'Upload the reference profile and set up drift and serving monitors.',
  },
];

/** Jira project keys: an uppercase letter, then uppercase letters, digits or _. */
const PROJECT_KEY = /^[A-Z][A-Z0-9_]{1,9}$/;

/** Where the action reads its Jira connection. */
export const JIRA_CONFIG_PATH = 'modelRegistry.jira';

const inputSchema = z.object({
  projectKey: z.string({ description: 'Key of the Jira project, e.g. MLR' }),
  modelName: z.string({ description: 'Name of the model' }),
  summary: z
    .string({
      description: 'Summary of the epic (default: "Model <modelName>")',
    })
    .max(255)
    .optional(),
  description: z.string({ description: 'Description of the epic' }).optional(),
  repoUrl: z
    .string({
      description: 'Web URL of the model repository; linked from the epic',
    })
    .url()
    .optional(),
  labels: z
    .array(z.string().regex(/^\S+$/, 'labels have no spaces'), {
      description: 'Labels of the epic and its issues',
    })
    .default(['ml-model']),
  checklist: z
    .array(
      z.object({
        summary: z.string().min(1).max(255),
        description: z.string().optional(),
      }),
      {
        description:
          'Child issues; default: data preparation, training, evaluation, model card, deployment, monitoring',
      },
    )
    .max(50)
    .default(DEFAULT_CHECKLIST),
  epicIssueType: z
    .string({ description: 'Issue type of the epic' })
    .default('Epic'),
  childIssueType: z
    .string({ description: 'Issue type of the children' })
    .default('Task'),
});

/**
 * `model-registry:jira:epic:create`: an epic for the new model with a child
 * issue per checklist item, linked to the model's repository.
 */
export function createJiraEpicCreateAction(options: {
  config: RootConfigService;
}) {
  const { config } = options;
  let cached: JiraClient | undefined;
  const jira = () => {
    if (!cached) {
      const block = config.getOptionalConfig(JIRA_CONFIG_PATH);
      if (!block) {
        throw new InputError(
          `Jira is not configured: add ${JIRA_CONFIG_PATH} (baseUrl, auth) to app-config.yaml, or leave the epic step out`,
        );
      }
      cached = new JiraClient(
        readJiraConfig(block, { path: JIRA_CONFIG_PATH }),
      );
    }
    return cached;
  };

  return createTemplateAction({
    id: 'model-registry:jira:epic:create',
    description:
      'Creates a Jira epic for a model with a child issue per checklist item, linked to the model repository.',
    examples,
    supportsDryRun: true,
    schema: {
      input: () => inputSchema,
      output: {
        epicKey: () =>
          z.string({ description: 'Key of the epic, e.g. MLR-42' }),
        epicUrl: () => z.string({ description: 'The epic in the browser' }),
        childKeys: () =>
          z.array(z.string(), {
            description: 'Keys of the child issues, in checklist order',
          }),
      },
    },
    async handler(ctx) {
      const input = parseInput(inputSchema, ctx.input);
      if (!PROJECT_KEY.test(input.projectKey)) {
        throw new InputError(
          `Invalid Jira project key ${JSON.stringify(
            input.projectKey,
          )}: 2-10 characters, an uppercase letter followed by uppercase letters, digits or _`,
        );
      }
      const client = jira();
      const summary = input.summary ?? `Model ${input.modelName}`;
      if (ctx.isDryRun) {
        ctx.logger.info(
          `Dry run: would create epic "${summary}" with ${input.checklist.length} issues in ${input.projectKey}`,
        );
        ctx.output('epicKey', `${input.projectKey}-0`);
        ctx.output('epicUrl', client.issueUrl(`${input.projectKey}-0`));
        ctx.output('childKeys', []);
        return;
      }
      const fail =
        (what: string) =>
        (error: Error): never => {
          throw new Error(
            `${what} in Jira project ${input.projectKey} failed: ${error.message}`,
          );
        };
      await client.getProject(input.projectKey).catch(error => {
        if (error instanceof JiraNotFoundError) {
          throw new InputError(
            `Jira project ${input.projectKey} does not exist or is not visible to the configured Jira account`,
          );
        }
        return fail('Reading the project')(error);
      });

      const base = `model-registry.jira.epic.${input.projectKey}.${input.modelName}`;
      const epic = await ctx.checkpoint({
        key: base,
        fn: async () => {
          const created = await client
            .createIssue({
              projectKey: input.projectKey,
              issueType: input.epicIssueType,
              summary,
              labels: input.labels,
              description: adf.doc(
                adf.paragraph(
                  input.description ??
                    `Everything to bring model ${input.modelName} to production.`,
                ),
                ...(input.repoUrl
                  ? [
                      adf.paragraph(
                        'Repository: ',
                        adf.link(input.repoUrl, input.repoUrl),
                      ),
                    ]
                  : []),
                adf.heading(3, 'Checklist'),
                adf.bulletList(...input.checklist.map(item => item.summary)),
              ),
            })
            .catch(fail('Creating the epic'));
          return { key: created.key, url: created.url };
        },
      });
      if (input.repoUrl) {
        // Same globalId on a retry: Jira updates the link instead of adding one.
        await client
          .addRemoteLink(epic.key, {
            url: input.repoUrl,
            title: `Repository of ${input.modelName}`,
            globalId: `mlreg:repo:${input.modelName}`,
          })
          .catch(fail('Linking the repository'));
      }
      const childKeys: string[] = [];
      for (const [i, item] of input.checklist.entries()) {
        const child = await ctx.checkpoint({
          key: `${base}.child.${i}`,
          fn: async () =>
            (
              await client
                .createIssue({
                  projectKey: input.projectKey,
                  issueType: input.childIssueType,
                  summary: `${item.summary}: ${input.modelName}`,
                  description: item.description,
                  labels: input.labels,
                  parentKey: epic.key,
                })
                .catch(fail(`Creating "${item.summary}"`))
            ).key,
        });
        childKeys.push(child);
      }
      ctx.logger.info(
        `Created epic ${epic.key} with ${childKeys.length} issues`,
      );
      ctx.output('epicKey', epic.key);
      ctx.output('epicUrl', epic.url);
      ctx.output('childKeys', childKeys);
    },
  });
}
