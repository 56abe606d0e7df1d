import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  createMockDirectory,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
// The test runs the real registry; the module itself never imports it.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import { modelRegistryPlugin } from '@mlreg/plugin-model-registry-backend';
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import request from 'supertest';
import module from './index';

jest.setTimeout(90_000);

/** The README's verification snippet, as a receiver would run it. */
function verify(
  secret: string,
  headers: http.IncomingHttpHeaders,
  body: string,
) {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatures = String(headers['webhook-signature'] ?? '');
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false;
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = Buffer.from(
    `v1,${createHmac('sha256', key)
      .update(`${id}.${timestamp}.${body}`)
      .digest('base64')}`,
  );
  return signatures.split(' ').some(s => {
    const given = Buffer.from(s);
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

/** A receiver: records what it gets, answers `status()` (default 204). */
async function startReceiver(status: () => number = () => 204) {
  const received: Array<{ headers: http.IncomingHttpHeaders; body: string }> =
    [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', c => (body += c));
    req.on('end', () => {
      const code = status();
      if (code < 300) received.push({ headers: req.headers, body });
      res.writeHead(code, code === 429 ? { 'Retry-After': '1' } : {});
      res.end();
    });
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    close: () => new Promise(r => server.close(r)),
  };
}

async function waitFor(what: string, probe: () => boolean) {
  const until = Date.now() + 30_000;
  while (!probe()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 100));
  }
}

async function start(permissions = mockServices.permissions.factory()) {
  const { server } = await startTestBackend({
    features: [
      modelRegistryPlugin,
      module,
      schedulerServiceFactory,
      permissions,
      catalogServiceMock.factory({ entities: [] }),
      mockServices.rootConfig.factory({
        data: {
          modelRegistry: {
            storage: { filesystem: { rootDir: createMockDirectory().path } },
            outbox: { retry: { baseDelay: { milliseconds: 100 } } },
            webhooks: { allowInsecureUrls: true },
          },
        },
      }),
    ],
  });
  return request(server);
}

const auth = mockCredentials.user.header('user:default/ada');

describe('webhooks module', () => {
  it('sends every event, signed, once to each matching webhook, retrying failures', async () => {
    const api = await start();
    const all = await startReceiver();
    // A 500, then a 429 with Retry-After, then accepted.
    const answers = [500, 429];
    const flaky = await startReceiver(() => answers.shift() ?? 200);
    const registered = await api
      .post('/api/model-registry/webhooks')
      .set('Authorization', auth)
      .send({ url: all.url, description: 'everything' })
      .expect(201);
    expect(registered.body.secret).toMatch(/^whsec_/);
    const secret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
    await api
      .post('/api/model-registry/webhooks')
      .set('Authorization', auth)
      .send({
        url: flaky.url,
        events: ['model.deleted', 'version.registered'],
        models: ['churn'],
        secret,
      })
      .expect(201);
    const listed = await api
      .get('/api/model-registry/webhooks')
      .set('Authorization', auth)
      .expect(200);
    expect(listed.body.items).toHaveLength(2);
    expect(listed.body.items[0]).toEqual({
      id: registered.body.id,
      url: all.url,
      description: 'everything',
      createdBy: 'user:default/ada',
      createdAt: expect.any(String),
    });

    await api
      .post('/api/model-registry/models')
      .set('Authorization', auth)
      .send({ name: 'churn', owner: 'group:default/ds' })
      .expect(201);
    await api
      .post('/api/model-registry/models/churn/versions')
      .set('Authorization', auth)
      .send({ artifact: { uri: 'https://models.example/churn/1' } })
      .expect(201);
    await api
      .patch('/api/model-registry/models/churn')
      .set('Authorization', auth)
      .send({ description: 'Churn' })
      .expect(200);

    await waitFor(
      'three events at the first webhook',
      () => all.received.length === 3,
    );
    await waitFor('the flaky webhook', () => flaky.received.length === 1);
    const types = all.received.map(r => JSON.parse(r.body).type);
    expect(types).toEqual([
      'model.created',
      'version.registered',
      'model.updated',
    ]);
    for (const r of all.received) {
      expect(verify(registered.body.secret, r.headers, r.body)).toBe(true);
      expect(verify(secret, r.headers, r.body)).toBe(false);
      expect(r.headers['x-model-registry-event']).toBe(JSON.parse(r.body).type);
    }
    const delivered = JSON.parse(flaky.received[0].body);
    expect(delivered).toEqual({
      id: flaky.received[0].headers['webhook-id'],
      type: 'version.registered',
      model: 'churn',
      createdAt: expect.any(String),
      payload: {
        model: 'churn',
        version: 1,
        status: 'READY',
        actor: 'user:default/ada',
      },
    });
    expect(
      verify(secret, flaky.received[0].headers, flaky.received[0].body),
    ).toBe(true);
    // The retries after 500 and 429 did not send the event twice elsewhere.
    expect(
      all.received.filter(r => r.headers['webhook-id'] === delivered.id),
    ).toHaveLength(1);
    const log = await api
      .get('/api/model-registry/deliveries?subscriber=webhooks')
      .set('Authorization', auth)
      .expect(200);
    expect(
      log.body.items.find((d: any) => d.eventId === delivered.id),
    ).toMatchObject({
      status: 'delivered',
      attempts: 2,
    });

    // Deletions are events too; a deleted webhook gets nothing more.
    await api
      .delete(`/api/model-registry/webhooks/${registered.body.id}`)
      .set('Authorization', auth)
      .expect(204);
    await api
      .delete(`/api/model-registry/webhooks/${registered.body.id}`)
      .set('Authorization', auth)
      .expect(404);
    await all.close();
    await flaky.close();
  });

  it.each([
    [{ url: 'not a url' }, /url/],
    [{ url: 'ftp://example.com/hook' }, /url must be https or http/],
    [
      { url: 'https://example.com', events: ['model.exploded'] },
      /unknown event type "model.exploded"/,
    ],
    [{ url: 'https://example.com', models: ['Not_A_Model'] }, /models\.0/],
    [
      { url: 'https://example.com', secret: 'hunter2' },
      /secret must be whsec_/,
    ],
    [{ url: 'https://example.com', extra: 1 }, /Unrecognized key/],
    [[], /expected object/],
  ])('answers 400 to %j', async (body, message) => {
    const api = await start();
    const answer = await api
      .post('/api/model-registry/webhooks')
      .set('Authorization', auth)
      .send(body as object)
      .expect(400);
    expect(answer.body.error.message).toMatch(message);
    const listed = await api
      .get('/api/model-registry/webhooks')
      .set('Authorization', auth)
      .expect(200);
    expect(listed.body.items).toEqual([]);
  });

  it('answers 401 without credentials and 403 without the permission', async () => {
    const api = await start(
      mockServices.permissions.factory({ result: AuthorizeResult.DENY }),
    );
    await api
      .get('/api/model-registry/webhooks')
      .set('Authorization', mockCredentials.none.header())
      .expect(401);
    await api
      .get('/api/model-registry/webhooks')
      .set('Authorization', auth)
      .expect(403);
    const refused = await api
      .post('/api/model-registry/webhooks')
      .set('Authorization', auth)
      .send({ url: 'https://example.com/hook' })
      .expect(403);
    expect(refused.body.error.message).toMatch(
      'model-registry.webhook.manage is required',
    );
  });
});
