import { createServiceFactory } from '@backstage/backend-plugin-api';
import {
  createMockDirectory,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import {
  JiraTestServer,
  startJiraTestServer,
} from '@mlreg/jira-client/testUtils';
// The test runs the real registry; the module itself never imports it.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import { modelRegistryPlugin } from '@mlreg/plugin-model-registry-backend';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import yaml from 'yaml';
import { startFakeGithub } from './__testUtils__/fakeGithub';
import { startFakeGitlab } from './__testUtils__/fakeGitlab';
import { readBranch } from './__testUtils__/gitRepos';
import {
  validateGithubWorkflow,
  validateGitlabCi,
} from './__testUtils__/pipelineSchemas';
import { scaffolderModuleModelRegistry } from './module';

jest.setTimeout(180_000);

const templatePath = path.resolve(
  __dirname,
  '../../../catalog/templates/new-model/template.yaml',
);

/** The template as the catalog holds it, located in this repository. */
function templateEntity(): Entity {
  const entity = yaml.parse(fs.readFileSync(templatePath, 'utf8'));
  entity.metadata.namespace = 'default';
  entity.metadata.annotations = {
    'backstage.io/managed-by-location': `file:${templatePath}`,
  };
  return entity;
}

describe('the "New ML model" template through the scaffolder', () => {
  const dir = createMockDirectory();
  let baseUrl: string;
  let externalBaseUrl: string;
  let github: Awaited<ReturnType<typeof startFakeGithub>>;
  let gitlab: Awaited<ReturnType<typeof startFakeGitlab>>;
  let jira: JiraTestServer;
  const catalog = catalogServiceMock({ entities: [templateEntity()] });
  const addLocation = jest.fn(
    async (location: { type?: string; target: string }) => ({
      location: {
        id: 'l1',
        type: location.type ?? 'url',
        target: location.target,
      },
      entities: [],
      exists: false,
    }),
  );
  Object.assign(catalog, { addLocation });

  beforeAll(async () => {
    // Web URLs on the integrations' hosts, so catalog:register finds them.
    github = await startFakeGithub({
      gitRoot: dir.resolve('github'),
      webBaseUrl: 'https://github.com',
    });
    gitlab = await startFakeGitlab({
      gitRoot: dir.resolve('gitlab'),
      webBaseUrl: 'https://gitlab.com',
    });
    jira = await startJiraTestServer({ projects: [{ key: 'MLR' }] });
    const { server } = await startTestBackend({
      features: [
        scaffolderPlugin,
        scaffolderModuleModelRegistry,
        modelRegistryPlugin,
        createServiceFactory({
          service: catalogServiceRef,
          deps: {},
          factory: () => catalog,
        }),
        mockServices.rootConfig.factory({
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
              storage: { filesystem: { rootDir: dir.resolve('artifacts') } },
              scaffolder: {
                localGit: { rootDir: dir.resolve('local'), serve: true },
              },
              jira: {
                baseUrl: jira.baseUrl,
                apiVersion: 3,
                auth: { email: 'jira@example.com', token: 'api-token' },
              },
              github: { webhookSecret: 'hook-secret' },
            },
          },
        }),
      ],
    });
    // Requests go to IPv4 loopback: "localhost" may resolve to another
    // server on ::1. The backend's own URLs say localhost.
    baseUrl = `http://127.0.0.1:${server.port()}`;
    externalBaseUrl = `http://localhost:${server.port()}`;
  });

  afterAll(async () => {
    await github.close();
    await gitlab.close();
    await jira.close();
  });

  async function api(method: string, route: string, body?: unknown) {
    const response = await fetch(`${baseUrl}${route}`, {
      method,
      headers: {
        Authorization: mockCredentials.user.header('user:default/rita'),
        ...(body ? { 'Content-Type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    if (!response.ok)
      throw new Error(`${method} ${route}: ${response.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  }

  /** Runs the template and returns the finished task, or fails with its log. */
  async function runTemplate(values: Record<string, unknown>) {
    const { id } = await api('POST', '/api/scaffolder/v2/tasks', {
      templateRef: 'template:default/new-model',
      values,
    });
    for (let i = 0; i < 600; i++) {
      const task = await api('GET', `/api/scaffolder/v2/tasks/${id}`);
      if (task.status === 'completed') return task;
      if (task.status === 'failed' || task.status === 'cancelled') {
        const events = await api(
          'GET',
          `/api/scaffolder/v2/tasks/${id}/events`,
        );
        throw new Error(
          `task ${task.status}:\n${events
            .map((e: any) => e.body.message)
            .join('\n')}`,
        );
      }
      await new Promise(resolve => setTimeout(resolve, 250));
    }
    throw new Error('task did not finish');
  }

  async function registryModel(name: string) {
    return api('GET', `/api/model-registry/models/${name}`);
  }

  it('runs end to end with a local bare repository and no Jira', async () => {
    await runTemplate({
      name: 'churn-local',
      description: 'Predicts churn',
      owner: 'group:default/data-science',
      task: 'classification',
      repoHost: 'local',
      ciSystem: 'github-actions',
    });

    const gitDir = dir.resolve('local', 'churn-local.git');
    const files = readBranch(gitDir);
    expect(Object.keys(files)).toEqual(
      expect.arrayContaining([
        '.github/workflows/model.yaml',
        'catalog-info.yaml',
        'docs/index.md',
        'docs/model-card.md',
        'mkdocs.yml',
        'model/train.py',
        'model/evaluate.py',
        'model/export.py',
        'scripts/registry.py',
        'requirements.txt',
      ]),
    );
    const [model, component] = yaml
      .parseAllDocuments(files['catalog-info.yaml'])
      .map(d => d.toJS());
    expect(model).toMatchObject({
      kind: 'Model',
      metadata: {
        name: 'churn-local',
        description: 'Predicts churn',
        annotations: { 'mlreg.io/registry-name': 'churn-local' },
      },
      spec: { type: 'classification', owner: 'group:default/data-science' },
    });
    expect(component).toMatchObject({
      kind: 'Component',
      spec: { dependsOn: ['model:churn-local'] },
    });
    expect(
      validateGithubWorkflow(yaml.parse(files['.github/workflows/model.yaml'])),
    ).toBe(true);

    const repoUrl = `${externalBaseUrl}/api/scaffolder/local-git/churn-local.git`;
    expect(await registryModel('churn-local')).toMatchObject({
      name: 'churn-local',
      owner: 'group:default/data-science',
      links: { repoUrl },
      createdBy: 'user:default/rita',
    });
    // The repository link clones.
    const clone = dir.resolve('clone');
    // Not execFileSync: the backend answering the clone runs in this process.
    await promisify(execFile)('git', [
      'clone',
      '--quiet',
      repoUrl.replace(externalBaseUrl, baseUrl),
      clone,
    ]);
    expect(fs.existsSync(path.join(clone, 'model', 'train.py'))).toBe(true);
    // A local repository is not readable by the catalog: no location.
    expect(addLocation).not.toHaveBeenCalled();
    expect(jira.requests).toEqual([]);
  });

  it('runs end to end on GitHub with a Jira epic and registers the catalog location', async () => {
    await runTemplate({
      name: 'fraud-gh',
      description: 'Scores payments',
      owner: 'group:default/data-science',
      task: 'classification',
      repoHost: 'github.com',
      repoOwner: 'acme',
      ciSystem: 'github-actions',
      jiraProjectKey: 'MLR',
    });

    const repo = github.repos.get('acme/fraud-gh')!;
    expect(repo.topics).toEqual(['ml-model']);
    expect(repo.hooks).toHaveLength(1);
    expect(Object.keys(readBranch(repo.gitDir))).toContain(
      '.github/workflows/model.yaml',
    );

    const epic = [...jira.issues.values()].find(i => i.issueType === 'Epic')!;
    expect(epic).toMatchObject({
      projectKey: 'MLR',
      summary: 'Model fraud-gh',
    });
    expect(epic.remoteLinks[0].url).toBe(`https://github.com/acme/fraud-gh`);
    expect(
      [...jira.issues.values()].filter(i => i.parentKey === epic.key),
    ).toHaveLength(6);

    expect(await registryModel('fraud-gh')).toMatchObject({
      links: {
        repoUrl: `https://github.com/acme/fraud-gh`,
        jiraProject: 'MLR',
      },
      createdBy: 'user:default/rita',
    });
    expect(addLocation).toHaveBeenCalledWith(
      // catalog:register resolves the file against the contents URL.
      {
        type: 'url',
        target: 'https://github.com/acme/fraud-gh/tree/main/catalog-info.yaml',
      },
      expect.anything(),
    );
  });

  it('runs end to end on GitLab with GitLab CI', async () => {
    await runTemplate({
      name: 'ranker-gl',
      owner: 'group:default/data-science',
      task: 'ranking',
      repoHost: 'gitlab.com',
      repoOwner: 'ml',
      ciSystem: 'gitlab-ci',
    });
    const project = gitlab.projects.get('ml/ranker-gl')!;
    const files = readBranch(project.gitDir);
    expect(validateGitlabCi(yaml.parse(files['.gitlab-ci.yml']))).toBe(true);
    expect((await registryModel('ranker-gl')).links.repoUrl).toBe(
      `https://gitlab.com/ml/ranker-gl`,
    );
    expect(addLocation).toHaveBeenCalledWith(
      {
        type: 'url',
        target: `https://gitlab.com/ml/ranker-gl/-/blob/main/catalog-info.yaml`,
      },
      expect.anything(),
    );
  });
});
