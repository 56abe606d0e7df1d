import { mockServices } from '@backstage/backend-test-utils';
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import {
  actionContext,
  outputsOf,
  workspaceWith,
} from '../__testUtils__/actionContext';
import { startFakeJenkins } from '../__testUtils__/fakeJenkins';
import { parseGroovyBlocks } from '../__testUtils__/groovyBlocks';
import {
  validateGithubWorkflow,
  validateGitlabCi,
} from '../__testUtils__/pipelineSchemas';
import { createPipelineCreateAction } from './pipelineCreate';
import { examples } from './pipelineCreate.examples';

/** What each system's generated file must satisfy. */
const checks: Record<
  string,
  (
    text: string,
    outputs: Record<string, any>,
    input: any,
    jenkinsUrl: string,
  ) => void
> = {
  'github-actions': text =>
    expect(validateGithubWorkflow(yaml.parse(text))).toBe(true),
  'gitlab-ci': text => expect(validateGitlabCi(yaml.parse(text))).toBe(true),
  jenkins: (text, outputs, input, jenkinsUrl) => {
    expect(parseGroovyBlocks(text).blocks[0].name).toBe('pipeline');
    expect(outputs.jenkinsJobUrl).toBe(
      `${jenkinsUrl}/job/ml/job/${input.jenkinsJob.name}/`,
    );
  },
};

describe('model-registry:pipeline:create examples', () => {
  let jenkins: Awaited<ReturnType<typeof startFakeJenkins>>;

  beforeAll(async () => {
    jenkins = await startFakeJenkins({ folders: ['ml'] });
  });

  afterAll(() => jenkins.close());

  it.each(examples.map(e => [e.description, e.example]))(
    '%s',
    async (_d, example) => {
      const [step] = yaml.parse(example).steps;
      expect(step.action).toBe('model-registry:pipeline:create');
      const workspace = workspaceWith();
      const ctx = actionContext(step.input, { workspacePath: workspace.path });
      await createPipelineCreateAction({
        config: mockServices.rootConfig({
          data: {
            modelRegistry: {
              scaffolder: {
                jenkins: {
                  baseUrl: jenkins.baseUrl,
                  username: jenkins.username,
                  apiToken: jenkins.apiToken,
                },
              },
            },
          },
        }),
        discovery: mockServices.discovery(),
      }).handler(ctx as any);

      const outputs = outputsOf(ctx) as {
        pipelinePath: string;
        jenkinsJobUrl?: string;
      };
      const text = fs.readFileSync(
        path.join(workspace.path, outputs.pipelinePath),
        'utf8',
      );
      checks[step.input.system](text, outputs, step.input, jenkins.baseUrl);
    },
  );
});
