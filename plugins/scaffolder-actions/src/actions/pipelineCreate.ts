import {
  DiscoveryService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  createTemplateAction,
  getRepoSourceDirectory,
} from '@backstage/plugin-scaffolder-node';
import { describeInvalidModelName } from '@mlreg/plugin-model-registry-common';
import fs from 'node:fs';
import path from 'node:path';
import {
  GITHUB_ACTIONS_PATH,
  githubActionsWorkflow,
} from '../pipelines/githubActions';
import { GITLAB_CI_PATH, gitlabCiPipeline } from '../pipelines/gitlabCi';
import { JENKINSFILE_PATH, jenkinsfile } from '../pipelines/jenkinsfile';
import {
  JenkinsOptions,
  pipelineJobXml,
  upsertJenkinsJob,
} from '../pipelines/jenkinsJob';
import {
  PIPELINE_SYSTEMS,
  PipelineSpec,
  PipelineSystem,
} from '../pipelines/types';
import { z } from 'zod/v3';
import { examples } from './pipelineCreate.examples';
import { parseInput } from './parseInput';

const GENERATORS: Record<
  PipelineSystem,
  { path: string; render: (spec: PipelineSpec) => string }
> = {
  'github-actions': {
    path: GITHUB_ACTIONS_PATH,
    render: githubActionsWorkflow,
  },
  'gitlab-ci': { path: GITLAB_CI_PATH, render: gitlabCiPipeline },
  jenkins: { path: JENKINSFILE_PATH, render: jenkinsfile },
};

const ALIAS = /^[a-z0-9][a-z0-9-]{0,62}$/;

function readJenkins(config: RootConfigService): JenkinsOptions | undefined {
  const block = config.getOptionalConfig('modelRegistry.scaffolder.jenkins');
  if (!block) return undefined;
  return {
    baseUrl: block.getString('baseUrl'),
    username: block.getString('username'),
    apiToken: block.getString('apiToken'),
  };
}

const inputSchema = z.object({
  modelName: z.string({ description: 'Name of the model in the registry' }),
  system: z.enum(PIPELINE_SYSTEMS, {
    description: 'CI system: github-actions, gitlab-ci or jenkins',
  }),
  registryUrl: z
    .string({
      description:
        "Registry API base URL the pipeline calls (default: this portal's /api/model-registry)",
    })
    .url()
    .optional(),
  pythonVersion: z
    .string({ description: 'Python version of the jobs' })
    .regex(/^3\.\d{1,2}$/, 'a Python 3 version like 3.11')
    .default('3.11'),
  stagingAlias: z
    .string({ description: 'Alias the pipeline moves after registering' })
    .regex(ALIAS, 'not an alias name')
    .default('staging'),
  productionAlias: z
    .string({ description: 'Alias moved only after the approval gate' })
    .regex(ALIAS, 'not an alias name')
    .default('production'),
  defaultBranch: z
    .string({ description: 'Branch whose pushes run the pipeline' })
    .regex(/^[A-Za-z0-9][A-Za-z0-9._/-]{0,99}$/, 'not a branch name')
    .default('main'),
  tokenSecret: z
    .string({
      description:
        'Name of the CI secret / variable / Jenkins credentials id holding the registry token',
    })
    .regex(/^[A-Za-z_][A-Za-z0-9_-]{0,99}$/, 'letters, digits, _ and -')
    .default('MLREG_TOKEN'),
  targetPath: z
    .string({ description: 'Directory of the workspace to write into' })
    .optional(),
  jenkinsJob: z
    .object(
      {
        name: z
          .string()
          .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'not a job name'),
        folder: z.string().optional(),
        remoteUrl: z.string().min(1),
        credentialsId: z.string().optional(),
      },
      {
        description:
          'Jenkins only: also create the pipeline job (needs modelRegistry.scaffolder.jenkins)',
      },
    )
    .optional(),
});

/**
 * `model-registry:pipeline:create`: writes the model's CI/CD pipeline into
 * the workspace (GitHub Actions, GitLab CI or a Jenkinsfile) and optionally
 * creates the Jenkins job.
 */
export function createPipelineCreateAction(options: {
  config: RootConfigService;
  discovery: DiscoveryService;
}) {
  const { config, discovery } = options;
  const jenkins = readJenkins(config);

  return createTemplateAction({
    id: 'model-registry:pipeline:create',
    description:
      'Writes the CI/CD pipeline of a model (train, evaluate, register, reference profile, staging, gated production) for GitHub Actions, GitLab CI or Jenkins.',
    examples,
    supportsDryRun: true,
    schema: {
      input: () => inputSchema,
      output: {
        pipelinePath: () =>
          z.string({
            description: 'Path of the written file in the workspace',
          }),
        jenkinsJobUrl: () =>
          z
            .string({
              description: 'URL of the Jenkins job, when one was created',
            })
            .optional(),
      },
    },
    async handler(ctx) {
      const input = parseInput(inputSchema, ctx.input);
      const invalid = describeInvalidModelName(input.modelName);
      if (invalid) throw new InputError(invalid);
      if (input.stagingAlias === input.productionAlias) {
        throw new InputError('stagingAlias and productionAlias must differ');
      }
      if (input.jenkinsJob && input.system !== 'jenkins') {
        throw new InputError(
          `jenkinsJob is only for system jenkins, not ${input.system}`,
        );
      }
      if (input.jenkinsJob && !jenkins) {
        throw new InputError(
          'Creating a Jenkins job needs modelRegistry.scaffolder.jenkins (baseUrl, username, apiToken) in app-config.yaml',
        );
      }
      const spec: PipelineSpec = {
        modelName: input.modelName,
        registryUrl:
          input.registryUrl ??
          (await discovery.getExternalBaseUrl('model-registry')),
        pythonVersion: input.pythonVersion,
        stagingAlias: input.stagingAlias,
        productionAlias: input.productionAlias,
        defaultBranch: input.defaultBranch,
        tokenSecret: input.tokenSecret,
      };
      const generator = GENERATORS[input.system];
      const dir = getRepoSourceDirectory(ctx.workspacePath, input.targetPath);
      const file = path.join(dir, generator.path);
      await fs.promises.mkdir(path.dirname(file), { recursive: true });
      await fs.promises.writeFile(file, generator.render(spec));
      ctx.logger.info(`Wrote ${generator.path} for ${input.system}`);
      ctx.output('pipelinePath', path.relative(ctx.workspacePath, file));

      if (!input.jenkinsJob || !jenkins) return;
      if (ctx.isDryRun) {
        ctx.logger.info(
          `Dry run: would create Jenkins job ${input.jenkinsJob.name}`,
        );
        return;
      }
      const job = input.jenkinsJob;
      const { url } = await ctx.checkpoint({
        key: `model-registry.pipeline.jenkins.${job.folder ?? ''}/${job.name}`,
        fn: () =>
          upsertJenkinsJob(jenkins, {
            name: job.name,
            folder: job.folder,
            configXml: pipelineJobXml({
              description: `Pipeline of model ${input.modelName}`,
              remoteUrl: job.remoteUrl,
              branch: input.defaultBranch,
              credentialsId: job.credentialsId,
            }),
          }),
      });
      ctx.output('jenkinsJobUrl', url);
    },
  });
}
