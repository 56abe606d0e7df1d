import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  createMockDirectory,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import notificationsPlugin from '@backstage/plugin-notifications-backend';
// The test runs the real registry; the module itself never imports it.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import { modelRegistryPlugin } from '@mlreg/plugin-model-registry-backend';
import request from 'supertest';
import module from './index';

jest.setTimeout(60_000);

const entities: Entity[] = [
  {
    apiVersion: 'mlreg.io/v1alpha1',
    kind: 'Model',
    metadata: { name: 'fraud', namespace: 'default' },
    spec: { type: 'classification', lifecycle: 'production', owner: 'risk' },
    relations: [{ type: 'ownedBy', targetRef: 'group:default/risk' }],
  },
  ...['risk', 'sre'].map(name => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name, namespace: 'default' },
    spec: { type: 'team', children: [] },
    relations: [
      {
        type: 'hasMember',
        targetRef: name === 'risk' ? 'user:default/dana' : 'user:default/sam',
      },
    ],
  })),
  ...['dana', 'sam', 'ada'].map(name => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name, namespace: 'default' },
    spec: {},
  })),
];

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
): Promise<T> {
  const until = Date.now() + 30_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 200));
  }
}

describe('notifications module', () => {
  it('notifies the owners and configured entities of a registered version, once, with a link to the model page', async () => {
    const { server } = await startTestBackend({
      features: [
        modelRegistryPlugin,
        module,
        notificationsPlugin,
        // The real scheduler: the outbox dispatcher runs as in a portal.
        schedulerServiceFactory,
        catalogServiceMock.factory({ entities }),
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'http://localhost:3000' },
            modelRegistry: {
              storage: {
                filesystem: { rootDir: createMockDirectory().path },
              },
              routing: {
                rules: [{ events: ['version.registered'], notify: ['sre'] }],
              },
            },
          },
        }),
      ],
    });
    const as = (user: string) => mockCredentials.user.header(user);
    const api = request(server);
    await api
      .post('/api/model-registry/models')
      .set('Authorization', as('user:default/ada'))
      .send({ name: 'fraud', owner: 'group:default/risk' })
      .expect(201);
    await api
      .post('/api/model-registry/models/fraud/versions')
      .set('Authorization', as('user:default/ada'))
      .send({ artifact: { uri: 'https://models.example/fraud/1' } })
      .expect(201);

    const inbox = async (user: string) =>
      (
        await api
          .get('/api/notifications/notifications')
          .set('Authorization', as(user))
          .expect(200)
      ).body.notifications as Array<{
        payload: Record<string, unknown>;
        origin: string;
      }>;
    const [notification] = await waitFor('the notification', async () => {
      const found = await inbox('user:default/dana');
      return found.length > 0 ? found : undefined;
    });
    expect(notification.origin).toBe('plugin:model-registry');
    expect(notification.payload).toEqual(
      expect.objectContaining({
        title: 'Version registered: fraud v1',
        description: 'Model: fraud · Version: 1 · By: user:default/ada',
        link: '/catalog/default/model/fraud',
        severity: 'low',
        topic: 'model-version',
      }),
    );
    // The configured rule's group hears of it too; the actor does not.
    expect(await inbox('user:default/sam')).toHaveLength(1);
    expect(await inbox('user:default/ada')).toHaveLength(0);

    // A delivery made again updates the same notification.
    const deliveries = await api
      .get('/api/model-registry/deliveries?subscriber=notifications')
      .set('Authorization', as('user:default/ada'))
      .expect(200);
    expect(deliveries.body.items).toEqual([
      expect.objectContaining({
        eventType: 'version.registered',
        status: 'delivered',
      }),
    ]);
    const { eventId } = deliveries.body.items[0];
    await api
      .post(
        `/api/model-registry/subscribers/notifications/deliveries/${eventId}/replay`,
      )
      .set('Authorization', as('user:default/ada'))
      .expect(200);
    await waitFor('the replayed delivery', async () => {
      const { body } = await api
        .get('/api/model-registry/deliveries?subscriber=notifications')
        .set('Authorization', as('user:default/ada'));
      return body.items[0].status === 'delivered' &&
        body.items[0].deliveredAt !== deliveries.body.items[0].deliveredAt
        ? true
        : undefined;
    });
    expect(await inbox('user:default/dana')).toHaveLength(1);
  });
});
