import { adf } from './adf';
import {
  JiraAuthenticationError,
  JiraBadRequestError,
  JiraNotFoundError,
  JiraPermissionError,
  JiraRateLimitError,
  JiraServerError,
} from './errors';
import { JiraClient, parseRetryAfter } from './JiraClient';
import { JiraClientOptions } from './config';
import { JiraTestServer, startJiraTestServer } from './testUtils';

describe('JiraClient', () => {
  let server: JiraTestServer;

  beforeEach(async () => {
    server = await startJiraTestServer();
  });

  afterEach(async () => {
    await server.close();
  });

  function cloud(options: Partial<JiraClientOptions> = {}) {
    return new JiraClient({
      baseUrl: `${server.baseUrl}/`,
      apiVersion: 3,
      auth: { email: 'jira@example.com', token: 'api-token' },
      ...options,
    });
  }

  function dataCenter(options: Partial<JiraClientOptions> = {}) {
    return new JiraClient({
      baseUrl: server.baseUrl,
      apiVersion: 2,
      auth: { token: 'pat-token' },
      ...options,
    });
  }

  describe('on Cloud (v3)', () => {
    it('creates an epic with an ADF description and a child under it', async () => {
      const client = cloud();
      const epic = await client.createIssue({
        projectKey: 'MLR',
        issueType: 'Epic',
        summary: 'churn-predictor',
        description: adf.doc(
          adf.paragraph(
            'Repository: ',
            adf.link('acme/churn', 'https://x/churn'),
          ),
          adf.bulletList('train', 'evaluate'),
        ),
        labels: ['ml-model'],
      });
      expect(epic).toEqual({
        id: expect.any(String),
        key: 'MLR-1',
        self: expect.stringContaining('/rest/api/3/issue/'),
        url: `${server.baseUrl}/browse/MLR-1`,
      });
      const child = await client.createIssue({
        projectKey: 'MLR',
        issueType: 'Task',
        summary: 'Training',
        description: 'First line\nsecond line\n\nSecond paragraph',
        parentKey: epic.key,
      });

      const stored = server.issues.get(child.key)!;
      expect(stored.parentKey).toBe('MLR-1');
      expect(stored.description).toEqual({
        type: 'doc',
        version: 1,
        content: [
          {
            type: 'paragraph',
            content: [
              { type: 'text', text: 'First line' },
              { type: 'hardBreak' },
              { type: 'text', text: 'second line' },
            ],
          },
          {
            type: 'paragraph',
            content: [{ type: 'text', text: 'Second paragraph' }],
          },
        ],
      });
      const read = await client.getIssue(child.key, {
        fields: ['summary', 'parent'],
      });
      expect(read.fields).toMatchObject({
        summary: 'Training',
        parent: { key: 'MLR-1' },
      });
      expect(server.requests.at(-1)!.path).toBe(
        '/rest/api/3/issue/MLR-2?fields=summary%2Cparent',
      );
      expect(server.requests[0].headers.authorization).toBe(
        `Basic ${Buffer.from('jira@example.com:api-token').toString('base64')}`,
      );
    });

    it('searches with /search/jql and pages with nextPageToken', async () => {
      const client = cloud();
      for (let i = 0; i < 5; i++) {
        await client.createIssue({
          projectKey: 'MLR',
          issueType: 'Task',
          summary: `task ${i}`,
          labels: i % 2 ? ['odd'] : ['even'],
        });
      }
      const first = await client.searchIssues({
        jql: 'project = MLR AND labels = even ORDER BY created DESC',
        maxResults: 2,
      });
      expect(first.issues.map(i => i.key)).toEqual(['MLR-1', 'MLR-3']);
      expect(first.nextPageToken).toBeDefined();
      const second = await client.searchIssues({
        jql: 'project = MLR AND labels = even',
        maxResults: 2,
        nextPageToken: first.nextPageToken,
      });
      expect(second.issues.map(i => i.key)).toEqual(['MLR-5']);
      expect(second.nextPageToken).toBeUndefined();

      const all = [];
      for await (const issue of client.searchAllIssues({
        jql: 'project = MLR',
        maxResults: 2,
      })) {
        all.push(issue.key);
      }
      expect(all).toHaveLength(5);
      expect(
        server.requests.some(r => r.path === '/rest/api/3/search/jql'),
      ).toBe(true);
    });

    it('updates, comments, transitions and links', async () => {
      const client = cloud();
      const a = await client.createIssue({
        projectKey: 'MLR',
        issueType: 'Task',
        summary: 'a',
      });
      const b = await client.createIssue({
        projectKey: 'OPS',
        issueType: 'Bug',
        summary: 'b',
      });
      await client.updateIssue(a.key, {
        summary: 'a2',
        labels: ['drift'],
        description: 'now with text',
      });
      expect(server.issues.get(a.key)).toMatchObject({
        summary: 'a2',
        labels: ['drift'],
      });
      await client.addComment(a.key, 'recovered');
      expect(server.issues.get(a.key)!.comments[0].body).toMatchObject({
        type: 'doc',
      });

      const transitions = await client.listTransitions(a.key);
      expect(transitions.map(t => t.name)).toContain('Done');
      await expect(
        client.transitionIssue(a.key, { name: 'done' }),
      ).resolves.toMatchObject({
        id: '31',
      });
      expect(server.issues.get(a.key)!.status).toBe('Done');
      await expect(
        client.transitionIssue(a.key, { name: 'Closed' }),
      ).rejects.toThrow(
        /has no transition "Closed"; available: To Do \(11\), Start progress \(21\)/,
      );

      await client.createIssueLink({
        type: 'Relates',
        inwardKey: a.key,
        outwardKey: b.key,
      });
      expect(server.issueLinks).toEqual([
        { type: 'Relates', inwardKey: 'MLR-1', outwardKey: 'OPS-1' },
      ]);

      await client.addRemoteLink(a.key, {
        url: 'https://git/x',
        title: 'repo',
      });
      await client.addRemoteLink(a.key, {
        url: 'https://git/x',
        title: 'repository',
      });
      expect(server.issues.get(a.key)!.remoteLinks).toEqual([
        {
          id: 1,
          globalId: 'https://git/x',
          url: 'https://git/x',
          title: 'repository',
        },
      ]);
    });

    it('answers Jira 400 bodies with the field messages', async () => {
      const error = await cloud()
        .createIssue({ projectKey: 'NOPE', issueType: 'Epic', summary: 'x' })
        .catch(e => e);
      expect(error).toBeInstanceOf(JiraBadRequestError);
      expect(error.status).toBe(400);
      expect(error.fieldErrors).toEqual({
        project: 'valid project is required',
      });
      expect(error.message).toBe(
        'Jira POST /rest/api/3/issue failed with 400: Jira rejected the request (project: valid project is required)',
      );
    });

    it('answers a text description sent as v3 raw field with the ADF error', async () => {
      await expect(
        cloud().createIssue({
          projectKey: 'MLR',
          issueType: 'Task',
          summary: 'x',
          fields: { description: 'not adf' },
        }),
      ).rejects.toThrow(
        /description: Operation value must be an Atlassian Document/,
      );
    });
  });

  describe('on Data Center (v2)', () => {
    it('sends text descriptions, bearer auth, and the epic link field', async () => {
      const client = dataCenter({ epicLinkField: 'customfield_10101' });
      const epic = await client.createIssue({
        projectKey: 'MLR',
        issueType: 'Epic',
        summary: 'epic',
        description: adf.doc(
          adf.heading(2, 'Checklist'),
          adf.bulletList('train', adf.link('repo', 'https://git/x')),
        ),
      });
      const story = await client.createIssue({
        projectKey: 'MLR',
        issueType: 'Story',
        summary: 'story',
        parentKey: epic.key,
      });
      const sub = await client.createIssue({
        projectKey: 'MLR',
        issueType: 'Sub-task',
        summary: 'sub',
        parentKey: story.key,
      });
      expect(server.issues.get(epic.key)!.description).toBe(
        'Checklist\n\n* train\n* repo (https://git/x)',
      );
      expect(server.issues.get(story.key)!.otherFields).toEqual({
        customfield_10101: 'MLR-1',
      });
      expect(server.issues.get(sub.key)!.parentKey).toBe(story.key);
      expect(server.requests[0].headers.authorization).toBe('Bearer pat-token');
      expect(server.requests[0].path).toBe('/rest/api/2/issue');
    });

    it('searches with /search and startAt paging', async () => {
      const client = dataCenter();
      for (let i = 0; i < 3; i++) {
        await client.createIssue({
          projectKey: 'OPS',
          issueType: 'Task',
          summary: `t${i}`,
        });
      }
      const first = await client.searchIssues({
        jql: 'project = OPS',
        maxResults: 2,
      });
      expect(first.nextPageToken).toBe('2');
      const second = await client.searchIssues({
        jql: 'project = OPS',
        maxResults: 2,
        nextPageToken: first.nextPageToken,
      });
      expect(second.issues.map(i => i.key)).toEqual(['OPS-3']);
      expect(second.nextPageToken).toBeUndefined();
      expect(server.requests.at(-1)!.body).toMatchObject({ startAt: 2 });
      expect(server.requests.at(-1)!.path).toBe('/rest/api/2/search');
    });

    it('rejects an ADF description in v2 raw fields', async () => {
      await expect(
        dataCenter().createIssue({
          projectKey: 'MLR',
          issueType: 'Task',
          summary: 'x',
          fields: { description: adf.doc() },
        }),
      ).rejects.toThrow(/description: Operation value must be a string/);
    });
  });

  describe('errors', () => {
    it('maps 401, 403, 404 and 5xx to typed errors', async () => {
      const wrong = cloud({
        auth: { email: 'jira@example.com', token: 'bad' },
      });
      await expect(wrong.getProject('MLR')).rejects.toThrow(
        JiraAuthenticationError,
      );
      await expect(wrong.getProject('MLR')).rejects.toThrow(
        /GET \/rest\/api\/3\/project\/MLR failed with 401: authentication failed.*You are not authenticated/,
      );

      server.failNext(
        { path: /\/project\// },
        {
          status: 403,
          body: { errorMessages: ['You do not have permission'], errors: {} },
        },
      );
      await expect(cloud().getProject('MLR')).rejects.toThrow(
        JiraPermissionError,
      );

      await expect(cloud().getProject('NOPE')).rejects.toThrow(
        JiraNotFoundError,
      );
      await expect(cloud().getIssue('MLR-99')).rejects.toThrow(
        /404: not found, or not visible to the Jira account \(Issue does not exist/,
      );

      server.failNext({}, { status: 503, body: 'down' });
      const error = await cloud()
        .getProject('MLR')
        .catch(e => e);
      expect(error).toBeInstanceOf(JiraServerError);
      expect(error.message).toBe(
        'Jira GET /rest/api/3/project/MLR failed with 503: Jira failed',
      );
    });

    it('waits for Retry-After on 429 and then succeeds', async () => {
      server.failNext({}, { status: 429, headers: { 'Retry-After': '1' } });
      const started = Date.now();
      await expect(cloud().getProject('MLR')).resolves.toMatchObject({
        key: 'MLR',
      });
      expect(Date.now() - started).toBeGreaterThanOrEqual(950);
      expect(server.requests).toHaveLength(2);
    });

    it('gives up after maxRetries, or at once when Retry-After is too long', async () => {
      for (let i = 0; i < 2; i++) {
        server.failNext({}, { status: 429, headers: { 'Retry-After': '0' } });
      }
      await expect(cloud({ maxRetries: 1 }).getProject('MLR')).rejects.toThrow(
        JiraRateLimitError,
      );

      server.failNext({}, { status: 429, headers: { 'Retry-After': '120' } });
      const error = await cloud()
        .getProject('MLR')
        .catch(e => e);
      expect(error).toBeInstanceOf(JiraRateLimitError);
      expect(error.retryAfterMs).toBe(120_000);
      expect(error.message).toMatch(/rate limited, retry after 120 s/);
    });

    it('refuses keys that would change the path', async () => {
      await expect(cloud().getIssue('../../myself')).rejects.toThrow(
        'Not a Jira issue key or id: "../../myself"',
      );
    });
  });

  it('parses Retry-After seconds and dates', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(
      parseRetryAfter(
        'Wed, 21 Oct 2015 07:28:10 GMT',
        Date.UTC(2015, 9, 21, 7, 28, 0),
      ),
    ).toBe(10_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });
});
