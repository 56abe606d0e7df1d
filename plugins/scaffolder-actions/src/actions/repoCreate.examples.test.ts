import {
  createMockDirectory,
  mockServices,
} from '@backstage/backend-test-utils';
import { ScmIntegrations } from '@backstage/integration';
import path from 'node:path';
import yaml from 'yaml';
import { actionContext, outputsOf } from '../__testUtils__/actionContext';
import { startFakeGithub } from '../__testUtils__/fakeGithub';
import { startFakeGitlab } from '../__testUtils__/fakeGitlab';
import { readBranch } from '../__testUtils__/gitRepos';
import { createRepoCreateAction } from './repoCreate';
import { examples } from './repoCreate.examples';

jest.setTimeout(60_000);

describe('model-registry:repo:create examples', () => {
  const root = createMockDirectory();
  let github: Awaited<ReturnType<typeof startFakeGithub>>;
  let gitlab: Awaited<ReturnType<typeof startFakeGitlab>>;

  beforeAll(async () => {
    github = await startFakeGithub({ gitRoot: root.resolve('github') });
    gitlab = await startFakeGitlab({ gitRoot: root.resolve('gitlab') });
  });

  afterAll(async () => {
    await github.close();
    await gitlab.close();
  });

  it.each(examples.map(e => [e.description, e.example]))(
    '%s',
    async (_d, example) => {
      const [step] = yaml.parse(example).steps;
      expect(step.action).toBe('model-registry:repo:create');
      // github.com and gitlab.com are served by the local fakes; a path
      // remote is moved into the test's directory.
      const config = mockServices.rootConfig({
        data: {
          integrations: {
            github: [
              {
                host: 'github.com',
                apiBaseUrl: github.apiBaseUrl,
                token: github.token,
              },
            ],
            gitlab: [
              {
                host: 'gitlab.com',
                apiBaseUrl: gitlab.apiBaseUrl,
                baseUrl: gitlab.baseUrl,
                token: gitlab.token,
              },
            ],
          },
          modelRegistry: {
            scaffolder: { localGit: { rootDir: root.resolve('local') } },
          },
        },
      });
      const input = step.input.remoteUrl
        ? {
            ...step.input,
            remoteUrl: root.resolve(
              'remote',
              path.basename(step.input.remoteUrl),
            ),
          }
        : step.input;
      const ctx = actionContext(input);
      await createRepoCreateAction({
        integrations: ScmIntegrations.fromConfig(config),
        config,
        discovery: mockServices.discovery(),
      }).handler(ctx as any);

      const { remoteUrl } = outputsOf(ctx) as { remoteUrl: string };
      const gitDir = remoteUrl.startsWith('http')
        ? path.join(
            remoteUrl.includes(github.baseUrl)
              ? root.resolve('github')
              : root.resolve('gitlab'),
            new URL(remoteUrl).pathname.replace(/^\/git\//, ''),
          )
        : remoteUrl;
      expect(
        Object.keys(readBranch(gitDir, step.input.defaultBranch ?? 'main')),
      ).toContain('README.md');
    },
  );
});
