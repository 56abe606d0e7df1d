import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  createMockDirectory,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
// The test runs the real registry; the module itself never imports it.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import { modelRegistryPlugin } from '@mlreg/plugin-model-registry-backend';
import request from 'supertest';
import module from './index';
import { SlackTestFault, startSlackTestServer } from './testUtils';

jest.setTimeout(90_000);

async function waitFor<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
) {
  const until = Date.now() + 30_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 100));
  }
}

describe('Slack module', () => {
  it('posts Block Kit messages to the owner’s channel, threads follow-ups, honours Retry-After and never posts an event twice', async () => {
    const faults: SlackTestFault[] = [];
    const slack = await startSlackTestServer({ fault: () => faults.shift() });
    const { server } = await startTestBackend({
      features: [
        modelRegistryPlugin,
        module,
        schedulerServiceFactory,
        catalogServiceMock.factory({
          entities: [
            {
              apiVersion: 'mlreg.io/v1alpha1',
              kind: 'Model',
              metadata: { name: 'fraud', namespace: 'default' },
              spec: {
                type: 'classification',
                lifecycle: 'production',
                owner: 'risk',
              },
            },
            {
              apiVersion: 'backstage.io/v1alpha1',
              kind: 'Group',
              metadata: {
                name: 'risk',
                namespace: 'default',
                annotations: { 'slack.com/channel': '#ml-models' },
              },
              spec: { type: 'team', children: [] },
            },
          ],
        }),
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'https://portal.example' },
            modelRegistry: {
              storage: { filesystem: { rootDir: createMockDirectory().path } },
              outbox: { retry: { baseDelay: { milliseconds: 100 } } },
              slack: {
                token: 'xoxb-test-token',
                defaultChannel: '#ml-registry',
                apiUrl: slack.apiUrl,
              },
            },
          },
        }),
      ],
    });
    const api = request(server);
    const auth = mockCredentials.user.header('user:default/ada');
    const deliveries = async () =>
      (
        await api
          .get('/api/model-registry/deliveries?subscriber=slack')
          .set('Authorization', auth)
          .expect(200)
      ).body.items as Array<Record<string, any>>;

    await api
      .post('/api/model-registry/models')
      .set('Authorization', auth)
      .send({ name: 'fraud', owner: 'group:default/risk' })
      .expect(201);
    // The first call is rate limited for 1 s.
    faults.push({ status: 429, retryAfterSeconds: 1 });
    const started = Date.now();
    await api
      .post('/api/model-registry/models/fraud/versions')
      .set('Authorization', auth)
      .send({ artifact: { uri: 'https://models.example/fraud/1' } })
      .expect(201);

    const first = await waitFor('the first message', () => slack.messages[0]);
    expect(first.receivedAt - started).toBeGreaterThanOrEqual(1_000);
    expect(slack.calls.filter(c => c === 'chat.postMessage')).toHaveLength(2);
    expect(first).toMatchObject({
      channelName: '#ml-models',
      text: 'Version registered: fraud v1',
      threadTs: undefined,
    });
    expect(first.blocks).toEqual([
      {
        type: 'header',
        text: {
          type: 'plain_text',
          text: ':package: Version registered: fraud v1',
          emoji: true,
        },
      },
      {
        type: 'section',
        fields: [
          { type: 'mrkdwn', text: '*Model*\nfraud' },
          { type: 'mrkdwn', text: '*Version*\n1' },
          { type: 'mrkdwn', text: '*By*\nuser:default/ada' },
        ],
      },
      {
        type: 'actions',
        elements: [
          expect.objectContaining({
            type: 'button',
            url: 'https://portal.example/catalog/default/model/fraud',
          }),
        ],
      },
      expect.objectContaining({ type: 'context' }),
    ]);
    const [registered] = await deliveries();
    expect(registered).toMatchObject({ status: 'delivered', attempts: 1 });

    // A follow-up about the same version goes into its thread.
    await api
      .put('/api/model-registry/models/fraud/aliases/champion')
      .set('Authorization', auth)
      .send({ version: 1 })
      .expect(200);
    const second = await waitFor('the alias message', () => slack.messages[1]);
    expect(second).toMatchObject({
      channelName: '#ml-models',
      text: 'Alias set: fraud v1 → champion',
      threadTs: first.ts,
    });

    // Replaying a delivered event posts nothing new.
    await api
      .post(
        `/api/model-registry/subscribers/slack/deliveries/${registered.eventId}/replay`,
      )
      .set('Authorization', auth)
      .expect(200);
    await waitFor('the replay', async () =>
      (await deliveries()).every(d => d.status === 'delivered')
        ? true
        : undefined,
    );
    expect(slack.messages).toHaveLength(2);

    // A platform error is kept in the delivery log, and retried.
    faults.push({ status: 200, error: 'channel_not_found' });
    await api
      .post('/api/model-registry/models/fraud/versions')
      .set('Authorization', auth)
      .send({ artifact: { uri: 'https://models.example/fraud/2' } })
      .expect(201);
    await waitFor('the third message', () => slack.messages[2]);
    // attempts counts the failed ones.
    const [third] = await waitFor('the third delivery', async () => {
      const all = await deliveries();
      return all[0].status === 'delivered' ? all : undefined;
    });
    expect(third).toMatchObject({
      eventType: 'version.registered',
      attempts: 1,
    });
    expect(slack.messages[2]).toMatchObject({
      text: 'Version registered: fraud v2',
      threadTs: undefined,
    });
    await slack.close();
  });
});
