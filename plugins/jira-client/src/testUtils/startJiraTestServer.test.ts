import { JiraClient } from '../JiraClient';
import { JiraBadRequestError, JiraServerError } from '../errors';
import { startJiraTestServer } from './startJiraTestServer';

describe('startJiraTestServer', () => {
  it('evaluates the JQL subset and refuses what it cannot parse', async () => {
    const server = await startJiraTestServer();
    const jira = new JiraClient({
      baseUrl: server.baseUrl,
      apiVersion: 3,
      auth: { email: 'jira@example.com', token: 'api-token' },
    });
    try {
      const a = await jira.createIssue({
        projectKey: 'MLR',
        issueType: 'Bug',
        summary: 'Drift on churn in production',
        labels: ['mlreg-incident', 'churn'],
      });
      await jira.createIssue({
        projectKey: 'MLR',
        issueType: 'Bug',
        summary: 'Drift on fraud',
        labels: ['mlreg-incident'],
      });
      await jira.transitionIssue(a.key, { name: 'Done' });
      const keys = async (jql: string) =>
        (await jira.searchIssues({ jql })).issues.map(i => i.key);

      expect(
        await keys('labels = mlreg-incident AND statusCategory != Done'),
      ).toEqual(['MLR-2']);
      expect(
        await keys('project in (MLR, OPS) AND labels not in (churn)'),
      ).toEqual(['MLR-2']);
      expect(await keys('summary ~ "production"')).toEqual(['MLR-1']);
      expect(await keys('issuetype = Bug AND status = "Done"')).toEqual([
        'MLR-1',
      ]);

      await expect(
        jira.searchIssues({ jql: 'ORDER BY created' }),
      ).rejects.toThrow(/Unbounded JQL queries are not allowed here/);
      await expect(jira.searchIssues({ jql: 'project MLR' })).rejects.toThrow(
        JiraBadRequestError,
      );
      await expect(jira.searchIssues({ jql: 'assignee = me' })).rejects.toThrow(
        /Field 'assignee' does not exist/,
      );
    } finally {
      await server.close();
    }
  });

  it('answers with the faults a function picks', async () => {
    let calls = 0;
    const server = await startJiraTestServer({
      // every other issue creation fails
      fault: r =>
        r.method === 'POST' && r.path.endsWith('/issue') && calls++ % 2 === 0
          ? { status: 500 }
          : undefined,
    });
    const jira = new JiraClient({
      baseUrl: server.baseUrl,
      apiVersion: 2,
      auth: { token: 'pat-token' },
    });
    try {
      const create = () =>
        jira.createIssue({
          projectKey: 'OPS',
          issueType: 'Task',
          summary: 'x',
        });
      await expect(create()).rejects.toThrow(JiraServerError);
      await expect(create()).resolves.toMatchObject({ key: 'OPS-1' });
      expect(server.issues.size).toBe(1);
    } finally {
      await server.close();
    }
  });
});
