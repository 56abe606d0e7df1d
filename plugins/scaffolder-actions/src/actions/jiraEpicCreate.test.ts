import { mockServices } from '@backstage/backend-test-utils';
import {
  JiraTestServer,
  startJiraTestServer,
} from '@mlreg/jira-client/testUtils';
import {
  actionContext,
  checkpointStore,
  outputsOf,
} from '../__testUtils__/actionContext';
import {
  createJiraEpicCreateAction,
  DEFAULT_CHECKLIST,
} from './jiraEpicCreate';

describe('model-registry:jira:epic:create', () => {
  let jira: JiraTestServer;

  beforeEach(async () => {
    jira = await startJiraTestServer();
  });

  afterEach(() => jira.close());

  function action(jiraConfig?: object) {
    return createJiraEpicCreateAction({
      config: mockServices.rootConfig({
        data: {
          modelRegistry: {
            jira: jiraConfig ?? {
              baseUrl: jira.baseUrl,
              apiVersion: 3,
              auth: { email: 'jira@example.com', token: 'api-token' },
            },
          },
        },
      }),
    });
  }

  const input = {
    projectKey: 'MLR',
    modelName: 'churn-predictor',
    repoUrl: 'https://github.com/acme/churn-predictor',
  };

  it('creates the epic on Cloud with an ADF description, the checklist under it and the repository link', async () => {
    const ctx = actionContext(input);
    await action().handler(ctx as any);

    expect(outputsOf(ctx)).toEqual({
      epicKey: 'MLR-1',
      epicUrl: `${jira.baseUrl}/browse/MLR-1`,
      childKeys: ['MLR-2', 'MLR-3', 'MLR-4', 'MLR-5', 'MLR-6', 'MLR-7'],
    });
    const epic = jira.issues.get('MLR-1')!;
    expect(epic).toMatchObject({
      issueType: 'Epic',
      summary: 'Model churn-predictor',
      labels: ['ml-model'],
    });
    expect(JSON.stringify(epic.description)).toContain(
      '"href":"https://github.com/acme/churn-predictor"',
    );
    expect(epic.remoteLinks).toEqual([
      expect.objectContaining({
        url: input.repoUrl,
        title: 'Repository of churn-predictor',
      }),
    ]);
    expect(jira.issues.get('MLR-2')).toMatchObject({
      issueType: 'Task',
      summary: 'Data preparation: churn-predictor',
      parentKey: 'MLR-1',
    });
    expect(jira.issues.size).toBe(1 + DEFAULT_CHECKLIST.length);
  });

  it('creates the epic on Data Center with text descriptions and the epic link field', async () => {
    const ctx = actionContext({
      ...input,
      checklist: [{ summary: 'Training' }],
    });
    await action({
      baseUrl: jira.baseUrl,
      apiVersion: 2,
      epicLinkField: 'customfield_10101',
      auth: { token: 'pat-token' },
    }).handler(ctx as any);
    expect(typeof jira.issues.get('MLR-1')!.description).toBe('string');
    expect(jira.issues.get('MLR-1')!.description).toContain('* Training');
    expect(jira.issues.get('MLR-2')!.otherFields).toEqual({
      customfield_10101: 'MLR-1',
    });
    expect(jira.requests.every(r => r.path.startsWith('/rest/api/2/'))).toBe(
      true,
    );
  });

  it('resumes after a failure without creating the epic or finished issues again', async () => {
    let creates = 0;
    const flaky = await startJiraTestServer({
      // The second issue creation (the first child) fails once.
      fault: r =>
        r.method === 'POST' && r.path.endsWith('/issue') && ++creates === 2
          ? { status: 503 }
          : undefined,
    });
    try {
      const checkpoints = checkpointStore();
      const flakyAction = action({
        baseUrl: flaky.baseUrl,
        apiVersion: 3,
        auth: { email: 'jira@example.com', token: 'api-token' },
      });
      const two = { ...input, checklist: [{ summary: 'A' }, { summary: 'B' }] };
      await expect(
        flakyAction.handler(actionContext(two, { checkpoints }) as any),
      ).rejects.toThrow(
        /Creating "A" in Jira project MLR failed: Jira POST \/rest\/api\/3\/issue failed with 503/,
      );
      const retry = actionContext(two, { checkpoints });
      await flakyAction.handler(retry as any);
      expect(creates).toBe(4);
      expect(flaky.issues.size).toBe(3);
      expect(outputsOf(retry)).toMatchObject({
        epicKey: 'MLR-1',
        childKeys: ['MLR-2', 'MLR-3'],
      });
      // The remote link was posted on both runs and updated, not duplicated.
      expect(flaky.issues.get('MLR-1')!.remoteLinks).toHaveLength(1);
    } finally {
      await flaky.close();
    }
  });

  it('does not call Jira in a dry run', async () => {
    const ctx = actionContext(input, { dryRun: true });
    await action().handler(ctx as any);
    expect(jira.requests).toEqual([]);
    expect(outputsOf(ctx)).toEqual({
      epicKey: 'MLR-0',
      epicUrl: `${jira.baseUrl}/browse/MLR-0`,
      childKeys: [],
    });
  });

  it('refuses an invalid project key before calling Jira', async () => {
    await expect(
      action().handler(actionContext({ ...input, projectKey: 'mlr-1' }) as any),
    ).rejects.toThrow(
      'Invalid Jira project key "mlr-1": 2-10 characters, an uppercase letter followed by uppercase letters, digits or _',
    );
    expect(jira.requests).toEqual([]);
  });

  it('says when the project does not exist (404)', async () => {
    await expect(
      action().handler(actionContext({ ...input, projectKey: 'NOPE' }) as any),
    ).rejects.toThrow(
      'Jira project NOPE does not exist or is not visible to the configured Jira account',
    );
  });

  it('says when the credentials are rejected (401) or not allowed (403)', async () => {
    await expect(
      action({
        baseUrl: jira.baseUrl,
        apiVersion: 3,
        auth: { email: 'jira@example.com', token: 'wrong' },
      }).handler(actionContext(input) as any),
    ).rejects.toThrow(
      /Reading the project in Jira project MLR failed: .*401: authentication failed/,
    );
    jira.failNext(
      { method: 'POST', path: /\/issue$/ },
      {
        status: 403,
        body: {
          errorMessages: [
            'You do not have permission to create issues in this project.',
          ],
          errors: {},
        },
      },
    );
    await expect(action().handler(actionContext(input) as any)).rejects.toThrow(
      /Creating the epic in Jira project MLR failed: .*403: the Jira account is not allowed to do this \(You do not have permission to create issues in this project.\)/,
    );
  });

  it("passes on Jira's field errors (400), e.g. an issue type the project lacks", async () => {
    await expect(
      action().handler(
        actionContext({
          ...input,
          childIssueType: 'Chore',
          checklist: [{ summary: 'x' }],
        }) as any,
      ),
    ).rejects.toThrow(
      /Creating "x" in Jira project MLR failed: .*400: Jira rejected the request \(issuetype: Specify an issue type\)/,
    );
  });

  it('says when Jira is not configured, or configured wrongly', async () => {
    const unconfigured = createJiraEpicCreateAction({
      config: mockServices.rootConfig({ data: {} }),
    });
    await expect(
      unconfigured.handler(actionContext(input) as any),
    ).rejects.toThrow(
      'Jira is not configured: add modelRegistry.jira (baseUrl, auth) to app-config.yaml, or leave the epic step out',
    );
    await expect(
      action({ baseUrl: jira.baseUrl }).handler(actionContext(input) as any),
    ).rejects.toThrow(
      'Invalid Jira configuration at modelRegistry.jira: "auth" is required',
    );
  });
});
