import { mockCredentials } from '@backstage/backend-test-utils';
import { ModelRegistryClient } from '@mlreg/plugin-model-registry-common';
import { AddressInfo } from 'node:net';
import request from 'supertest';
import { ownerOnlyPermissions } from '../__testUtils__/permissions';
import { databases, startRegistry } from '../__testUtils__/startRegistry';

jest.setTimeout(120_000);

const owner = 'group:default/data-science';

describe.each(databases.eachSupportedId())(
  'integrations and deliveries over HTTP (%s)',
  databaseId => {
    it('lists what is installed and the delivery log, and replays deliveries', async () => {
      const { server } = await startRegistry(databaseId);
      const { port } = server.address() as AddressInfo;
      const client = new ModelRegistryClient({
        discoveryApi: {
          getBaseUrl: async () => `http://localhost:${port}/api/model-registry`,
        },
      });
      const o = { token: mockCredentials.user.token() };

      expect(await client.getInstalledIntegrations(o)).toEqual({
        subscribers: [{ id: 'events-service' }],
        deploymentTargets: [],
        monitoringSources: [],
      });

      await client.createModel({ name: 'churn', owner }, o);
      await client.registerVersion(
        'churn',
        { artifact: { uri: 'https://models.example/churn/1' } },
        o,
      );
      const log = await client.listDeliveries(
        { subscriber: 'events-service', model: 'churn' },
        o,
      );
      expect(log.items.map(d => d.eventType)).toEqual([
        'version.registered',
        'model.created',
      ]);
      const registered = log.items[0];
      expect(registered).toMatchObject({
        subscriber: 'events-service',
        model: 'churn',
      });
      const firstPage = await client.listDeliveries({ limit: 1 }, o);
      const secondPage = await client.listDeliveries(
        { limit: 1, cursor: firstPage.nextCursor },
        o,
      );
      expect(secondPage.items[0].eventType).toBe('model.created');

      // A replay makes the delivery pending anew. The dispatcher, poked by
      // the replay, may deliver it again before the log is read: then it was
      // delivered after the replay, with no failed attempt counted.
      const replayedAt = new Date().toISOString();
      expect(
        await client.replayDelivery('events-service', registered.eventId, o),
      ).toEqual({ replayed: 1 });
      const [replayed] = (
        await client.listDeliveries({ type: 'version.registered' }, o)
      ).items;
      expect([
        { status: 'pending', attempts: 0, deliveredAfterReplay: undefined },
        { status: 'delivered', attempts: 0, deliveredAfterReplay: true },
      ]).toContainEqual({
        status: replayed.status,
        attempts: replayed.attempts,
        deliveredAfterReplay:
          replayed.deliveredAt && replayed.deliveredAt >= replayedAt,
      });
      expect(await client.replayDeadDeliveries('events-service', o)).toEqual({
        replayed: 0,
      });
      const [subscriber] = await client.listSubscribers(o);
      expect(subscriber).toMatchObject({
        id: 'events-service',
        retry: { maxAttempts: expect.any(Number) },
      });
      expect(
        subscriber.deliveries.pending + subscriber.deliveries.delivered,
      ).toBe(2);

      await expect(
        client.replayDeadDeliveries('no-such-subscriber', o),
      ).rejects.toMatchObject({ statusCode: 404 });
      await expect(
        client.replayDelivery(
          'events-service',
          '00000000-0000-4000-8000-000000000000',
          o,
        ),
      ).rejects.toMatchObject({ statusCode: 404 });
      for (const [method, path] of [
        ['get', '/deliveries?status=lost'],
        ['get', '/deliveries?subscriber=Not%20An%20Id'],
        ['get', '/deliveries?type=drop%20table'],
        ['get', '/deliveries?cursor=forged'],
        ['post', '/subscribers/events-service/deliveries/not-a-uuid/replay'],
        ['post', '/subscribers/Bad%20Id/replay'],
      ] as const) {
        const res = await request(server)[method](`/api/model-registry${path}`);
        expect([path, res.status]).toEqual([path, 400]);
      }
    });

    it('needs the delivery permissions', async () => {
      const { factory } = ownerOnlyPermissions(owner, name =>
        name.startsWith('model-registry.model'),
      );
      const { server } = await startRegistry(databaseId, {
        features: [factory],
      });
      for (const [method, path] of [
        ['get', '/integrations'],
        ['get', '/subscribers'],
        ['get', '/deliveries'],
        ['post', '/subscribers/events-service/replay'],
      ] as const) {
        const res = await request(server)[method](`/api/model-registry${path}`);
        expect([path, res.status]).toEqual([path, 403]);
      }
    });
  },
);
