import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { JiraClient } from '@mlreg/jira-client';
import {
  JiraTestServer,
  startJiraTestServer,
} from '@mlreg/jira-client/testUtils';
import {
  createModelEventRouter,
  ModelRegistryEvent,
  ModelRegistryEventType,
} from '@mlreg/plugin-model-registry-node';
import {
  createJiraEventSubscriber,
  readIssueTypes,
} from './JiraEventSubscriber';
import { DatabaseJiraIssueStore } from './JiraIssueStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

let n = 0;
function event(
  type: ModelRegistryEventType,
  payload: Record<string, unknown>,
): ModelRegistryEvent {
  n += 1;
  return {
    eventId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    type,
    model: 'fraud',
    createdAt: '2026-11-29T12:00:00.000Z',
    payload: { actor: 'user:default/ada', ...payload },
  };
}

describe.each(databases.eachSupportedId())('Jira subscriber (%s)', id => {
  let server: JiraTestServer;
  afterEach(() => server?.close());

  async function setUp() {
    server = await startJiraTestServer();
    const store = await DatabaseJiraIssueStore.create(
      mockServices.database({ knex: await databases.init(id) }),
    );
    const subscriber = createJiraEventSubscriber({
      jira: new JiraClient({
        baseUrl: server.baseUrl,
        apiVersion: 3,
        auth: { email: 'jira@example.com', token: 'api-token' },
        maxRetries: 0,
      }),
      store,
      issueTypes: readIssueTypes(new ConfigReader({})),
      portalUrl: 'https://portal.example',
      router: createModelEventRouter({
        catalog: catalogServiceMock({
          entities: [
            {
              apiVersion: 'mlreg.io/v1alpha1',
              kind: 'Model',
              metadata: {
                name: 'fraud',
                annotations: { 'jira/project-key': 'MLR' },
              },
              spec: { owner: 'group:default/risk' },
            },
          ],
        }),
        auth: mockServices.auth(),
      }),
    });
    return { subscriber, store };
  }

  const issues = () => [...server.issues.values()];

  it('keeps one incident per model and environment while it is open, comments on recovery', async () => {
    const { subscriber, store } = await setUp();
    await subscriber.deliver(
      event('drift.detected', { version: 3, environment: 'prod' }),
    );
    await subscriber.deliver(
      event('monitor.breached', { version: 3, environment: 'prod' }),
    );
    await subscriber.deliver(
      event('drift.detected', { version: 3, environment: 'staging' }),
    );
    await subscriber.deliver(
      event('monitor.recovered', { version: 3, environment: 'prod' }),
    );

    expect(issues().map(i => [i.key, i.issueType, i.summary])).toEqual([
      ['MLR-1', 'Bug', 'Incident: Monitor breached: fraud v3 in prod'],
      ['MLR-2', 'Bug', 'Incident: Drift detected: fraud v3 in staging'],
    ]);
    const prod = server.issues.get('MLR-1')!;
    expect(prod.labels).toEqual(
      expect.arrayContaining([
        'mlreg-incident',
        'mlreg-model-fraud',
        'mlreg-env-prod',
      ]),
    );
    expect(JSON.stringify(prod.description)).toContain(
      'https://portal.example/catalog/default/model/fraud',
    );
    expect(prod.comments.map(c => JSON.stringify(c.body))).toEqual([
      expect.stringContaining('Again: Monitor breached: fraud v3 in prod'),
      expect.stringContaining('Recovered: Monitor recovered: fraud v3 in prod'),
    ]);
    expect(await store.get('fraud', 'incident', 'prod')).toMatchObject({
      key: 'MLR-1',
      state: 'recovered',
    });

    // Done in Jira: the next breach opens a new incident.
    prod.status = 'Done';
    await subscriber.deliver(
      event('monitor.breached', { version: 4, environment: 'prod' }),
    );
    expect(issues()).toHaveLength(3);
    expect((await store.get('fraud', 'incident', 'prod'))?.key).toBe('MLR-3');
  });

  it('acts on an event once, and adopts the issue of an attempt whose answer was lost', async () => {
    const { subscriber } = await setUp();
    const registered = event('version.registered', { version: 1 });
    await subscriber.deliver(registered);
    await subscriber.deliver(registered);
    expect(issues().map(i => [i.key, i.issueType, i.parentKey])).toEqual([
      ['MLR-1', 'Epic', undefined],
      ['MLR-2', 'Task', 'MLR-1'],
    ]);

    // An attempt fails after Jira created the issue (the answer was lost;
    // here the issue is created beside the module, with the event's label):
    // the next attempt adopts it instead of creating a second one.
    const lost = event('version.registered', { version: 2 });
    server.failNext({ method: 'POST', path: /\/issue$/ }, { status: 500 });
    await expect(subscriber.deliver(lost)).rejects.toThrow(/500/);
    await new JiraClient({
      baseUrl: server.baseUrl,
      apiVersion: 3,
      auth: { email: 'jira@example.com', token: 'api-token' },
    }).createIssue({
      projectKey: 'MLR',
      issueType: 'Task',
      summary: 'Validate and deploy fraud v2',
      labels: [`mlreg-event-${lost.eventId}`],
    });
    await subscriber.deliver(lost);
    await subscriber.deliver(lost);
    expect(issues().map(i => i.summary)).toEqual([
      'Model fraud',
      'Validate and deploy fraud v1',
      'Validate and deploy fraud v2',
    ]);
  });

  it('surfaces 429 with its Retry-After for the outbox', async () => {
    const { subscriber } = await setUp();
    server.failNext(
      { method: 'POST' },
      { status: 429, headers: { 'Retry-After': '5' } },
    );
    const error = await subscriber
      .deliver(event('drift.detected', { environment: 'prod' }))
      .catch(e => e);
    expect(error.retryAfterMs).toBe(5_000);
    expect(issues()).toHaveLength(0);
  });
});

describe('readIssueTypes', () => {
  it('refuses an empty issue type', () => {
    expect(() =>
      readIssueTypes(
        new ConfigReader({
          modelRegistry: { jira: { issueTypes: { incident: ' ' } } },
        }),
      ),
    ).toThrow('modelRegistry.jira.issueTypes.incident must not be empty');
  });
});
