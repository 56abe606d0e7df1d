import {
  createMockDirectory,
  mockServices,
} from '@backstage/backend-test-utils';
import { ScmIntegrations } from '@backstage/integration';
import { JsonObject } from '@backstage/types';
import fs from 'node:fs';
import path from 'node:path';
import {
  actionContext,
  checkpointStore,
  outputsOf,
  workspaceWith,
} from '../__testUtils__/actionContext';
import { startFakeGithub } from '../__testUtils__/fakeGithub';
import { startFakeGitlab } from '../__testUtils__/fakeGitlab';
import { readBranch } from '../__testUtils__/gitRepos';
import { ensureBareRepository } from '../hosts/git';
import { createRepoCreateAction } from './repoCreate';

jest.setTimeout(60_000);

describe('model-registry:repo:create', () => {
  const gitRoot = createMockDirectory();
  const localRoot = createMockDirectory();
  let github: Awaited<ReturnType<typeof startFakeGithub>>;
  let gitlab: Awaited<ReturnType<typeof startFakeGitlab>>;

  beforeAll(async () => {
    github = await startFakeGithub({
      gitRoot: path.join(gitRoot.path, 'github'),
    });
    gitlab = await startFakeGitlab({
      gitRoot: path.join(gitRoot.path, 'gitlab'),
    });
  });

  afterAll(async () => {
    await github.close();
    await gitlab.close();
  });

  function action(
    options: {
      githubToken?: string;
      gitlabToken?: string;
      modelRegistry?: JsonObject;
    } = {},
  ) {
    const data = {
      integrations: {
        github: [
          {
            host: github.host,
            apiBaseUrl: github.apiBaseUrl,
            token: options.githubToken ?? github.token,
          },
        ],
        gitlab: [
          {
            host: gitlab.host,
            apiBaseUrl: gitlab.apiBaseUrl,
            baseUrl: gitlab.baseUrl,
            token: options.gitlabToken ?? gitlab.token,
          },
        ],
        bitbucketServer: [
          {
            host: 'bitbucket.acme.example',
            apiBaseUrl: 'https://bitbucket.acme.example/rest/api/1.0',
          },
        ],
      },
      modelRegistry: options.modelRegistry ?? {
        scaffolder: { localGit: { rootDir: localRoot.path, serve: true } },
        github: { webhookSecret: 'hook-secret' },
      },
    };
    const config = mockServices.rootConfig({ data });
    return createRepoCreateAction({
      integrations: ScmIntegrations.fromConfig(config),
      config,
      discovery: mockServices.discovery(),
    });
  }

  describe('on GitHub', () => {
    it('creates the repository, pushes the workspace, sets topics, protection and the webhook', async () => {
      const ctx = actionContext({
        repoUrl: `${github.host}?owner=acme&repo=churn-predictor`,
        description: 'Predicts churn',
        topics: ['tabular'],
      });
      await action().handler(ctx as any);

      const repo = github.repos.get('acme/churn-predictor')!;
      expect(repo).toMatchObject({
        description: 'Predicts churn',
        private: true,
        topics: ['ml-model', 'tabular'],
        protection: {
          required_pull_request_reviews: { required_approving_review_count: 1 },
        },
      });
      expect(repo.hooks).toEqual([
        {
          id: expect.any(Number),
          events: ['push', 'release', 'workflow_run'],
          config: expect.objectContaining({
            url: 'http://localhost:0/api/model-registry/webhooks/github',
            secret: 'hook-secret',
            content_type: 'json',
          }),
        },
      ]);
      expect(Object.keys(readBranch(repo.gitDir))).toEqual([
        'README.md',
        'catalog-info.yaml',
        'model/train.py',
      ]);
      expect(outputsOf(ctx)).toEqual({
        repoUrl: `${github.baseUrl}/acme/churn-predictor`,
        remoteUrl: `${github.baseUrl}/git/acme/churn-predictor.git`,
        repoContentsUrl: `${github.baseUrl}/acme/churn-predictor/blob/main`,
        commitHash: expect.stringMatching(/^[0-9a-f]{40}$/),
      });
    });

    it("creates a user's repository, on another default branch, without webhook when no secret is configured", async () => {
      const ctx = actionContext({
        repoUrl: `${github.host}?owner=octocat&repo=side-model`,
        defaultBranch: 'trunk',
        visibility: 'public',
        protectDefaultBranch: false,
      });
      await action({ modelRegistry: {} }).handler(ctx as any);
      const repo = github.repos.get('octocat/side-model')!;
      expect(repo.private).toBe(false);
      expect(repo.protection).toBeUndefined();
      expect(repo.hooks).toEqual([]);
      expect(Object.keys(readBranch(repo.gitDir, 'trunk'))).toContain(
        'README.md',
      );
      expect(github.requests).toContainEqual(
        expect.objectContaining({ method: 'POST', path: '/user/repos' }),
      );
    });

    it('goes on without branch protection where GitHub has none (403)', async () => {
      const plain = await startFakeGithub({
        gitRoot: path.join(gitRoot.path, 'plain'),
        protectionForbidden: true,
      });
      try {
        const config = mockServices.rootConfig({
          data: {
            integrations: {
              github: [
                {
                  host: plain.host,
                  apiBaseUrl: plain.apiBaseUrl,
                  token: plain.token,
                },
              ],
            },
          },
        });
        const ctx = actionContext({
          repoUrl: `${plain.host}?owner=acme&repo=free-plan`,
        });
        await createRepoCreateAction({
          integrations: ScmIntegrations.fromConfig(config),
          config,
          discovery: mockServices.discovery(),
        }).handler(ctx as any);
        expect(plain.repos.get('acme/free-plan')!.protection).toBeUndefined();
        expect(outputsOf(ctx).commitHash).toBeDefined();
      } finally {
        await plain.close();
      }
    });

    it('names the missing integration', async () => {
      await expect(
        action().handler(
          actionContext({
            repoUrl: 'github.acme.example?owner=acme&repo=x',
          }) as any,
        ),
      ).rejects.toThrow(
        /No matching integration configuration for host github.acme.example/,
      );
    });

    it('refuses hosts that are neither GitHub nor GitLab', async () => {
      await expect(
        action().handler(
          actionContext({
            repoUrl: 'bitbucket.acme.example?owner=acme&repo=x',
          }) as any,
        ),
      ).rejects.toThrow(
        'Host bitbucket.acme.example is a bitbucketServer integration; model repositories can be created on GitHub, GitLab or "local" (use remoteUrl to push anywhere else)',
      );
    });

    it('says when the token is rejected (401)', async () => {
      await expect(
        action({ githubToken: 'wrong' }).handler(
          actionContext({ repoUrl: `${github.host}?owner=acme&repo=x` }) as any,
        ),
      ).rejects.toThrow(
        `Looking up owner acme on ${github.host} failed: the credentials were rejected (401 Bad credentials); check the token of the ${github.host} integration`,
      );
    });

    it('says when the token may not create repositories (403)', async () => {
      github.failNext(
        'POST',
        /^\/orgs\/acme\/repos$/,
        403,
        'Resource not accessible by integration',
      );
      await expect(
        action().handler(
          actionContext({
            repoUrl: `${github.host}?owner=acme&repo=forbidden`,
          }) as any,
        ),
      ).rejects.toThrow(
        `Creating repository acme/forbidden on ${github.host} failed: the token of the ${github.host} integration may not do this (403 Resource not accessible by integration)`,
      );
    });

    it('says when the owner does not exist (404)', async () => {
      await expect(
        action().handler(
          actionContext({
            repoUrl: `${github.host}?owner=nobody&repo=x`,
          }) as any,
        ),
      ).rejects.toThrow(
        `Looking up owner nobody on ${github.host} failed: not found (404 Not Found)`,
      );
    });

    it('says when the repository exists (422)', async () => {
      const input = { repoUrl: `${github.host}?owner=acme&repo=twice` };
      await action().handler(actionContext(input) as any);
      const error = await action()
        .handler(actionContext(input) as any)
        .catch(e => e);
      expect(error.name).toBe('ConflictError');
      expect(error.message).toBe(
        `Creating repository acme/twice on ${github.host} failed: it already exists (422 Repository creation failed.: name already exists on this account)`,
      );
    });

    it('resumes a failed run from its checkpoints without creating or pushing twice', async () => {
      const checkpoints = checkpointStore();
      const workspace = workspaceWith();
      const input = { repoUrl: `${github.host}?owner=acme&repo=retried` };
      github.failNext(
        'GET',
        /\/hooks$/,
        403,
        'Must have admin rights to Repository.',
      );
      await expect(
        action().handler(
          actionContext(input, {
            workspacePath: workspace.path,
            checkpoints,
          }) as any,
        ),
      ).rejects.toThrow(/may not do this \(403 Must have admin rights/);

      const retry = actionContext(input, {
        workspacePath: workspace.path,
        checkpoints,
      });
      await action().handler(retry as any);
      const creates = github.requests.filter(
        r =>
          r.method === 'POST' &&
          r.path === '/orgs/acme/repos' &&
          r.body.name === 'retried',
      );
      expect(creates).toHaveLength(1);
      expect(github.repos.get('acme/retried')!.hooks).toHaveLength(1);
      expect(outputsOf(retry).commitHash).toBe(
        (
          checkpoints.done.get(
            `model-registry.repo.push.${github.host}/acme/retried`,
          ) as any
        ).commitHash,
      );
    });

    it('only checks its input in a dry run', async () => {
      const ctx = actionContext(
        { repoUrl: `${github.host}?owner=acme&repo=dry` },
        { dryRun: true },
      );
      await action().handler(ctx as any);
      expect(github.repos.has('acme/dry')).toBe(false);
      expect(outputsOf(ctx)).toEqual({
        repoUrl: `https://${github.host}/acme/dry`,
        remoteUrl: `https://${github.host}/acme/dry`,
        repoContentsUrl: `https://${github.host}/acme/dry`,
      });
    });
  });

  describe('on GitLab', () => {
    it('creates the project, pushes, and protects the default branch', async () => {
      const ctx = actionContext({
        repoUrl: `${gitlab.host}?owner=ml&repo=fraud-detector`,
        description: 'Scores payments',
        visibility: 'internal',
      });
      await action().handler(ctx as any);
      const project = gitlab.projects.get('ml/fraud-detector')!;
      expect(project).toMatchObject({
        description: 'Scores payments',
        visibility: 'internal',
        topics: ['ml-model'],
        defaultBranch: 'main',
        protectedBranches: [
          { name: 'main', push_access_level: 40, merge_access_level: 30 },
        ],
      });
      expect(Object.keys(readBranch(project.gitDir))).toContain(
        'catalog-info.yaml',
      );
      expect(outputsOf(ctx)).toMatchObject({
        repoUrl: `${gitlab.baseUrl}/ml/fraud-detector`,
        remoteUrl: `${gitlab.baseUrl}/git/ml/fraud-detector.git`,
        repoContentsUrl: `${gitlab.baseUrl}/ml/fraud-detector/-/blob/main`,
      });
    });

    it('accepts a branch GitLab protected already (409)', async () => {
      gitlab.failNext(
        'POST',
        /protected_branches$/,
        409,
        "Protected branch 'main' already exists",
      );
      const ctx = actionContext({
        repoUrl: `${gitlab.host}?owner=ml&repo=auto-protected`,
      });
      await action().handler(ctx as any);
      expect(outputsOf(ctx).commitHash).toBeDefined();
    });

    it('maps GitLab errors: taken (400), 409, 401, 403, missing group (404)', async () => {
      const input = { repoUrl: `${gitlab.host}?owner=ml&repo=taken` };
      await action().handler(actionContext(input) as any);
      await expect(
        action().handler(actionContext(input) as any),
      ).rejects.toThrow(
        `Creating project ml/taken on ${gitlab.host} failed: it already exists (400 project_namespace has already been taken; name has already been taken; path has already been taken)`,
      );
      await expect(
        action({ gitlabToken: 'wrong' }).handler(
          actionContext({ repoUrl: `${gitlab.host}?owner=ml&repo=x` }) as any,
        ),
      ).rejects.toThrow(/credentials were rejected \(401 401 Unauthorized\)/);
      gitlab.failNext('POST', /^\/projects$/, 409, 'Project path is locked');
      await expect(
        action().handler(
          actionContext({ repoUrl: `${gitlab.host}?owner=ml&repo=z` }) as any,
        ),
      ).rejects.toThrow(/it already exists \(409 Project path is locked\)/);
      gitlab.failNext('POST', /^\/projects$/, 403, '403 Forbidden');
      await expect(
        action().handler(
          actionContext({ repoUrl: `${gitlab.host}?owner=ml&repo=y` }) as any,
        ),
      ).rejects.toThrow(/may not do this \(403 403 Forbidden\)/);
      await expect(
        action().handler(
          actionContext({ repoUrl: `${gitlab.host}?owner=nope&repo=x` }) as any,
        ),
      ).rejects.toThrow(
        `Looking up group or user nope on ${gitlab.host} failed: not found (404 404 Namespace Not Found)`,
      );
    });
  });

  describe('in the local directory', () => {
    it('creates a bare repository, pushes, and links to where the backend serves it', async () => {
      const ctx = actionContext({
        repoUrl: 'local?repo=churn-local',
        description: 'Local model',
      });
      await action().handler(ctx as any);
      const gitDir = path.join(localRoot.path, 'churn-local.git');
      expect(Object.keys(readBranch(gitDir))).toContain('model/train.py');
      expect(fs.readFileSync(path.join(gitDir, 'description'), 'utf8')).toBe(
        'Local model\n',
      );
      expect(outputsOf(ctx)).toMatchObject({
        repoUrl: 'http://localhost:0/api/scaffolder/local-git/churn-local.git',
        remoteUrl: gitDir,
        repoContentsUrl:
          'http://localhost:0/api/scaffolder/local-git/churn-local.git',
      });
    });

    it('gives a file URL when the directory is not served, and nests by owner', async () => {
      const ctx = actionContext({ repoUrl: 'local?owner=team&repo=nested' });
      await action({
        modelRegistry: {
          scaffolder: { localGit: { rootDir: localRoot.path } },
        },
      }).handler(ctx as any);
      expect(outputsOf(ctx).repoUrl).toBe(
        `file://${path.join(localRoot.path, 'team', 'nested.git')}`,
      );
    });

    it('refuses to push into a repository that has branches', async () => {
      await action().handler(
        actionContext({ repoUrl: 'local?repo=busy' }) as any,
      );
      await expect(
        action().handler(actionContext({ repoUrl: 'local?repo=busy' }) as any),
      ).rejects.toThrow(
        `Repository ${path.join(
          localRoot.path,
          'busy.git',
        )} already exists and is not empty`,
      );
    });

    it('needs the configured directory and a plain name', async () => {
      await expect(
        action({ modelRegistry: {} }).handler(
          actionContext({ repoUrl: 'local?repo=x' }) as any,
        ),
      ).rejects.toThrow(
        /Host "local" needs modelRegistry.scaffolder.localGit.rootDir/,
      );
      await expect(
        action().handler(
          actionContext({ repoUrl: 'local?repo=../escape' }) as any,
        ),
      ).rejects.toThrow(/Invalid repository name part "..\/escape"/);
    });
  });

  describe('to any remote', () => {
    it('creates and pushes to a bare repository given by path', async () => {
      const target = path.join(gitRoot.path, 'any', 'remote.git');
      const ctx = actionContext({ remoteUrl: target });
      await action().handler(ctx as any);
      expect(Object.keys(readBranch(target))).toContain('README.md');
      expect(outputsOf(ctx)).toMatchObject({
        repoUrl: target,
        remoteUrl: target,
      });
    });

    it('pushes over HTTP with the given token', async () => {
      const gitDir = path.join(gitRoot.path, 'github', 'acme', 'empty.git');
      await ensureBareRepository(gitDir, 'main');
      const remoteUrl = `${github.baseUrl}/git/acme/empty.git`;
      await expect(
        action().handler(actionContext({ remoteUrl }) as any),
      ).rejects.toThrow(/401/);
      const ctx = actionContext({ remoteUrl, token: github.token });
      await action().handler(ctx as any);
      expect(Object.keys(readBranch(gitDir))).toContain('README.md');
      expect(outputsOf(ctx)).toMatchObject({ repoUrl: remoteUrl, remoteUrl });
    });

    it('needs exactly one of repoUrl and remoteUrl, and a supported remote', async () => {
      await expect(action().handler(actionContext({}) as any)).rejects.toThrow(
        /Give exactly one of repoUrl/,
      );
      await expect(
        action().handler(
          actionContext({
            repoUrl: 'local?repo=a',
            remoteUrl: '/tmp/a.git',
          }) as any,
        ),
      ).rejects.toThrow(/Give exactly one of repoUrl/);
      await expect(
        action().handler(
          actionContext({ remoteUrl: 'git@github.com:acme/x.git' }) as any,
        ),
      ).rejects.toThrow(
        'Unsupported git remote git@github.com:acme/x.git: use an http(s) URL, an absolute path or a file:// URL',
      );
    });
  });
});
