import { mockServices } from '@backstage/backend-test-utils';
import { JsonObject } from '@backstage/types';
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import {
  actionContext,
  checkpointStore,
  outputsOf,
  workspaceWith,
} from '../__testUtils__/actionContext';
import { startFakeJenkins } from '../__testUtils__/fakeJenkins';
import { blocksNamed, parseGroovyBlocks } from '../__testUtils__/groovyBlocks';
import {
  validateGithubWorkflow,
  validateGitlabCi,
} from '../__testUtils__/pipelineSchemas';
import { createPipelineCreateAction } from './pipelineCreate';

const validateWorkflow = validateGithubWorkflow;

function action(jenkins?: object) {
  return createPipelineCreateAction({
    config: mockServices.rootConfig({
      data: jenkins ? { modelRegistry: { scaffolder: { jenkins } } } : {},
    }),
    discovery: mockServices.discovery(),
  });
}

async function run(input: JsonObject) {
  const workspace = workspaceWith();
  const ctx = actionContext(input, { workspacePath: workspace.path });
  await action().handler(ctx as any);
  const { pipelinePath } = outputsOf(ctx) as { pipelinePath: string };
  return {
    text: fs.readFileSync(path.join(workspace.path, pipelinePath), 'utf8'),
    pipelinePath,
  };
}

describe('model-registry:pipeline:create', () => {
  describe('GitHub Actions', () => {
    it('writes a workflow the published schema accepts, with every stage in order', async () => {
      const { text, pipelinePath } = await run({
        modelName: 'churn-predictor',
        system: 'github-actions',
      });
      expect(pipelinePath).toBe('.github/workflows/model.yaml');
      const workflow = yaml.parse(text);
      expect(validateWorkflow(workflow)).toBe(true);
      expect(validateWorkflow.errors).toBeNull();

      expect(Object.keys(workflow.jobs)).toEqual([
        'train',
        'register',
        'deploy-staging',
        'promote-production',
      ]);
      expect(workflow.env).toEqual({
        MODEL_NAME: 'churn-predictor',
        MLREG_URL: 'http://localhost:0/api/model-registry',
      });
      const runs = workflow.jobs.train.steps
        .map((s: any) => s.run)
        .filter(Boolean);
      expect(runs.join('\n')).toMatch(
        /model.train[\s\S]*model.evaluate[\s\S]*model.export/,
      );
      const register = workflow.jobs.register.steps.find(
        (s: any) => s.id === 'register',
      );
      expect(register.run).toContain(
        '--idempotency-key "github-${{ github.repository }}-${{ github.run_id }}"',
      );
      expect(register.env.MLREG_TOKEN).toBe('${{ secrets.MLREG_TOKEN }}');
      expect(workflow.jobs.register.steps.at(-1).run).toContain(
        'upload-profile',
      );
      expect(workflow.jobs['deploy-staging']).toMatchObject({
        needs: ['register'],
        environment: 'staging',
      });
      // The gate: the production job runs in the production environment, after staging.
      expect(workflow.jobs['promote-production']).toMatchObject({
        needs: ['register', 'deploy-staging'],
        environment: 'production',
      });
    });

    it('is caught by the schema when broken (the check can fail)', () => {
      expect(
        validateWorkflow({
          on: 'push',
          jobs: { train: { steps: [{ run: 'x' }] } },
        }),
      ).toBe(false);
    });
  });

  describe('GitLab CI', () => {
    it('writes a pipeline the published schema accepts, production behind a manual job', async () => {
      const { text, pipelinePath } = await run({
        modelName: 'fraud-detector',
        system: 'gitlab-ci',
        registryUrl: 'https://portal.acme.example/api/model-registry',
        pythonVersion: '3.12',
        tokenSecret: 'REGISTRY_TOKEN',
      });
      expect(pipelinePath).toBe('.gitlab-ci.yml');
      const pipeline = yaml.parse(text);
      expect(validateGitlabCi(pipeline)).toBe(true);
      expect(validateGitlabCi.errors).toBeNull();

      expect(pipeline.stages).toEqual([
        'train',
        'evaluate',
        'register',
        'staging',
        'production',
      ]);
      expect(pipeline.default.image).toBe('python:3.12-slim');
      expect(pipeline.variables.MLREG_URL).toBe(
        'https://portal.acme.example/api/model-registry',
      );
      expect(pipeline.register.variables).toEqual({
        MLREG_TOKEN: '$REGISTRY_TOKEN',
      });
      expect(pipeline.register.script[0]).toContain(
        '--idempotency-key "gitlab-$CI_PROJECT_PATH-$CI_PIPELINE_ID"',
      );
      expect(pipeline.register.artifacts.reports.dotenv).toBe('register.env');
      expect(pipeline['promote-production'].rules).toEqual([
        { if: '$CI_COMMIT_BRANCH == "main"', when: 'manual' },
      ]);
      expect(pipeline['promote-production'].environment.name).toBe(
        'production',
      );
    });

    it('is caught by the schema when broken (the check can fail)', () => {
      expect(
        validateGitlabCi({
          train: { stage: 'train', script: [['nested', ['too deep']]] },
        }),
      ).toBe(false);
    });
  });

  describe('Jenkins', () => {
    it('writes a declarative Jenkinsfile with the stages, credentials and the approval gate', async () => {
      const { text, pipelinePath } = await run({
        modelName: 'churn-predictor',
        system: 'jenkins',
        stagingAlias: 'canary',
        tokenSecret: 'mlreg-token',
      });
      expect(pipelinePath).toBe('Jenkinsfile');
      const root = parseGroovyBlocks(text);
      const [pipeline] = blocksNamed(root, 'pipeline');
      expect(root.blocks).toHaveLength(1);
      expect(pipeline.statements).toContain('agent any');
      const [environment] = blocksNamed(pipeline, 'environment');
      expect(environment.statements).toContain(
        "MLREG_TOKEN = credentials('mlreg-token')",
      );
      const stages = blocksNamed(blocksNamed(pipeline, 'stages')[0], 'stage');
      expect(stages.map(s => s.args)).toEqual([
        "'Install'",
        "'Train'",
        "'Evaluate'",
        "'Register'",
        "'Deploy to canary'",
        "'Promote to production'",
      ]);
      for (const stage of stages)
        expect(blocksNamed(stage, 'steps')).toHaveLength(1);
      const register = blocksNamed(stages[3], 'steps')[0].statements.join('\n');
      expect(register).toContain('--idempotency-key "jenkins-$BUILD_TAG"');
      const production = stages[5];
      expect(blocksNamed(production, 'input')[0].statements).toContain(
        "ok 'Promote'",
      );
      expect(blocksNamed(production, 'when')[0].statements).toEqual([
        "branch 'main'",
      ]);
    });

    it('quotes values so they cannot break out of the Groovy string', async () => {
      const { text } = await run({
        modelName: 'churn-predictor',
        system: 'jenkins',
        registryUrl: "https://x.example/api/model-registry?a='b'",
      });
      expect(text).toContain(
        "MLREG_URL = 'https://x.example/api/model-registry?a=\\'b\\''",
      );
      expect(() => parseGroovyBlocks(text)).not.toThrow();
    });

    it('the structure check fails on a broken Jenkinsfile', () => {
      expect(() =>
        parseGroovyBlocks("pipeline {\n  stages {\n    stage('x') {\n  }\n}"),
      ).toThrow(/unclosed block pipeline/);
      expect(() => parseGroovyBlocks("pipeline {\n  agent 'any\n}")).toThrow(
        /line 2: string not closed/,
      );
    });

    it('creates the Jenkins job through the API with a crumb, and updates it on a retry', async () => {
      const jenkins = await startFakeJenkins({ folders: ['ml'] });
      try {
        const config = {
          baseUrl: jenkins.baseUrl,
          username: jenkins.username,
          apiToken: jenkins.apiToken,
        };
        const input = {
          modelName: 'churn-predictor',
          system: 'jenkins',
          jenkinsJob: {
            name: 'churn-predictor',
            folder: 'ml',
            remoteUrl: 'https://github.com/acme/churn-predictor.git',
          },
        };
        const ctx = actionContext(input);
        await action(config).handler(ctx as any);
        expect(outputsOf(ctx).jenkinsJobUrl).toBe(
          `${jenkins.baseUrl}/job/ml/job/churn-predictor/`,
        );
        const xml = jenkins.jobs.get('ml/churn-predictor')!;
        expect(xml).toContain(
          '<url>https://github.com/acme/churn-predictor.git</url>',
        );
        expect(xml).toContain('<scriptPath>Jenkinsfile</scriptPath>');

        // A second run (no checkpoint kept) updates the job instead of failing.
        await action(config).handler(
          actionContext(input, { checkpoints: checkpointStore() }) as any,
        );
        expect(jenkins.jobs.size).toBe(1);

        await expect(
          action({ ...config, apiToken: 'wrong' }).handler(
            actionContext(input) as any,
          ),
        ).rejects.toThrow(
          /Getting a CSRF crumb on 127.0.0.1:\d+ failed: the credentials were rejected \(401/,
        );
        await expect(
          action(config).handler(
            actionContext({
              ...input,
              jenkinsJob: { ...input.jenkinsJob, folder: 'nope' },
            }) as any,
          ),
        ).rejects.toThrow(
          /Creating Jenkins job churn-predictor on 127.0.0.1:\d+ failed: not found \(404/,
        );
      } finally {
        await jenkins.close();
      }
    });

    it('does not create the job in a dry run, but writes the file', async () => {
      const ctx = actionContext(
        {
          modelName: 'm1',
          system: 'jenkins',
          jenkinsJob: { name: 'm1', remoteUrl: '/tmp/m1.git' },
        },
        { dryRun: true },
      );
      // Port 9 (discard) would refuse: nothing is called.
      await action({
        baseUrl: 'http://127.0.0.1:9',
        username: 'u',
        apiToken: 't',
      }).handler(ctx as any);
      expect(outputsOf(ctx)).toEqual({ pipelinePath: 'Jenkinsfile' });
    });
  });

  it('rejects bad input with clear messages', async () => {
    const bad = async (
      input: JsonObject,
      message: string | RegExp,
      jenkins?: object,
    ) =>
      expect(
        action(jenkins).handler(actionContext(input) as any),
      ).rejects.toThrow(message);
    await bad({ modelName: 'Not Valid', system: 'jenkins' }, /lowercase/);
    await bad(
      {
        modelName: 'm',
        system: 'jenkins',
        stagingAlias: 'prod',
        productionAlias: 'prod',
      },
      'stagingAlias and productionAlias must differ',
    );
    await bad(
      {
        modelName: 'm',
        system: 'gitlab-ci',
        jenkinsJob: { name: 'm', remoteUrl: '/x' },
      },
      'jenkinsJob is only for system jenkins, not gitlab-ci',
    );
    await bad(
      {
        modelName: 'm',
        system: 'jenkins',
        jenkinsJob: { name: 'm', remoteUrl: '/x' },
      },
      /needs modelRegistry.scaffolder.jenkins/,
    );
  });
});
