import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  createModelEventRouter,
  ModelRegistryDeliveryRetryAfterError,
  ModelRegistryEvent,
  ModelRegistryEventType,
} from '@mlreg/plugin-model-registry-node';
import {
  createSlackEventSubscriber,
  readSlackConfig,
} from './SlackEventSubscriber';
import { DatabaseSlackStore, SLACK_MIGRATIONS_TABLE } from './SlackStore';
import {
  SlackTestFault,
  SlackTestServer,
  startSlackTestServer,
} from './testUtils';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

let n = 0;
function event(
  type: ModelRegistryEventType,
  payload: Record<string, unknown> = {},
  model = 'fraud',
): ModelRegistryEvent {
  n += 1;
  return {
    eventId: `event-${n}`,
    type,
    model,
    createdAt: '2026-11-29T12:00:00.000Z',
    payload: { actor: 'user:default/ada', ...payload },
  };
}

describe.each(databases.eachSupportedId())('Slack subscriber (%s)', id => {
  let slack: SlackTestServer;
  const faults: SlackTestFault[] = [];

  afterEach(async () => {
    await slack?.close();
  });

  async function setUp() {
    const knex = await databases.init(id);
    const store = await DatabaseSlackStore.create(
      mockServices.database({ knex }),
    );
    slack = await startSlackTestServer({ fault: () => faults.shift() });
    const subscriber = createSlackEventSubscriber({
      slack: {
        token: 'xoxb-test-token',
        defaultChannel: '#ml-registry',
        apiUrl: slack.apiUrl,
        events: [],
      },
      store,
      portalUrl: 'https://portal.example',
      router: createModelEventRouter({
        catalog: catalogServiceMock({
          entities: [
            {
              apiVersion: 'mlreg.io/v1alpha1',
              kind: 'Model',
              metadata: {
                name: 'fraud',
                annotations: { 'slack.com/channel': '#ml-models' },
              },
              spec: { owner: 'group:default/risk' },
            },
          ],
        }),
        auth: mockServices.auth(),
        routing: {
          rules: [
            {
              events: ['monitor.breached', 'monitor.recovered'],
              notify: [],
              slackChannels: ['#ml-oncall'],
            },
          ],
        },
      }),
    });
    return { subscriber, knex };
  }

  it('keeps its own migrations table', async () => {
    const { knex } = await setUp();
    expect(await knex.schema.hasTable(SLACK_MIGRATIONS_TABLE)).toBe(true);
    expect(await knex.schema.hasTable('knex_migrations')).toBe(false);
  });

  it('threads an incident per model and environment until it recovers', async () => {
    const { subscriber } = await setUp();
    const prod = { version: 3, environment: 'prod' };
    await subscriber.deliver(event('drift.detected', prod));
    await subscriber.deliver(
      event('drift.detected', { version: 3, environment: 'staging' }),
    );
    await subscriber.deliver(event('monitor.breached', prod));
    await subscriber.deliver(event('monitor.recovered', prod));
    await subscriber.deliver(event('drift.detected', prod));

    const models = slack.messages.filter(m => m.channelName === '#ml-models');
    const [prodDrift, stagingDrift, breach, recovery, nextDrift] = models;
    expect(models.map(m => m.text)).toEqual([
      'Drift detected: fraud v3 in prod',
      'Drift detected: fraud v3 in staging',
      'Monitor breached: fraud v3 in prod',
      'Monitor recovered: fraud v3 in prod',
      'Drift detected: fraud v3 in prod',
    ]);
    expect(prodDrift.threadTs).toBeUndefined();
    expect(stagingDrift.threadTs).toBeUndefined();
    expect(breach.threadTs).toBe(prodDrift.ts);
    expect(recovery.threadTs).toBe(prodDrift.ts);
    // After the recovery, the next incident starts a thread of its own.
    expect(nextDrift.threadTs).toBeUndefined();

    // The on-call channel of the rule gets its own thread.
    const oncall = slack.messages.filter(m => m.channelName === '#ml-oncall');
    expect(oncall.map(m => m.text)).toEqual([
      'Monitor breached: fraud v3 in prod',
      'Monitor recovered: fraud v3 in prod',
    ]);
    expect(oncall[1].threadTs).toBe(oncall[0].ts);
  });

  it('posts events of models without a channel to the default channel', async () => {
    const { subscriber } = await setUp();
    await subscriber.deliver(
      event('version.registered', { version: 1 }, 'churn'),
    );
    expect(slack.messages).toEqual([
      expect.objectContaining({ channelName: '#ml-registry' }),
    ]);
  });

  it('reports 429 as a Retry-After error, 5xx and platform errors as failures, and posts to each channel once across attempts', async () => {
    const { subscriber } = await setUp();
    const breach = event('monitor.breached', { environment: 'prod' });
    // #ml-models succeeds, #ml-oncall is rate limited.
    faults.push(undefined as never, { status: 429, retryAfterSeconds: 7 });
    const limited = await subscriber.deliver(breach).catch(e => e);
    expect(limited).toBeInstanceOf(ModelRegistryDeliveryRetryAfterError);
    expect(limited.retryAfterMs).toBe(7_000);
    expect(limited.message).toMatch(/#ml-oncall; retry after 7 s/);

    faults.push({ status: 500 });
    await expect(subscriber.deliver(breach)).rejects.toThrow(
      'Slack answered chat.postMessage to #ml-oncall with HTTP 500',
    );
    faults.push({ status: 200, error: 'not_in_channel' });
    await expect(subscriber.deliver(breach)).rejects.toThrow(
      'Slack refused chat.postMessage to #ml-oncall: not_in_channel',
    );
    await subscriber.deliver(breach);
    await subscriber.deliver(breach);
    expect(slack.messages.map(m => m.channelName)).toEqual([
      '#ml-models',
      '#ml-oncall',
    ]);
  });
});

describe('readSlackConfig', () => {
  const read = (slack: unknown) =>
    readSlackConfig(new ConfigReader({ modelRegistry: { slack } } as any));

  it('is off without modelRegistry.slack', () => {
    expect(readSlackConfig(new ConfigReader({}))).toBeUndefined();
  });

  it.each([
    [{}, /Missing required config value at 'modelRegistry.slack.token'/],
    [{ token: ' ' }, /token must not be empty/],
    [
      { token: 'x', events: ['version.nope'] },
      /unknown event type "version.nope"/,
    ],
    [{ token: 'x', apiUrl: 'ftp://slack' }, /apiUrl must be an http\(s\) URL/],
  ])('refuses %j', (slack, message) => {
    expect(() => read(slack)).toThrow(message);
  });
});
