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
import examples from '@octokit/webhooks-examples';
import { sign } from '@octokit/webhooks-methods';
import request from 'supertest';
import module from './index';

jest.setTimeout(60_000);

const SECRET = 'current-secret-0123456789';
const PREVIOUS = 'previous-secret-0123456789';

/** A real example payload from @octokit/webhooks-examples. */
function example(name: string, match: (payload: any) => boolean = () => true) {
  const found = examples
    .find(definition => definition.name === name)!
    .examples.find(match as (payload: unknown) => boolean);
  if (!found) throw new Error(`no ${name} example`);
  return JSON.stringify(found);
}

function modelEntity(name: string, slug: string) {
  return {
    apiVersion: 'mlreg.io/v1alpha1',
    kind: 'Model',
    metadata: {
      name,
      namespace: 'default',
      annotations: { 'github.com/project-slug': slug },
    },
    spec: { type: 'classification', lifecycle: 'production', owner: 'ds' },
  };
}

describe('GitHub module', () => {
  it('registers versions from signed release, push and workflow_run deliveries, once each, and refuses unsigned ones', async () => {
    const { server } = await startTestBackend({
      features: [
        modelRegistryPlugin,
        module,
        catalogServiceMock.factory({
          entities: [
            modelEntity('hello-model', 'Codertocat/Hello-World'),
            modelEntity('octo-model', 'octo-org/octo-repo'),
          ],
        }),
        mockServices.rootConfig.factory({
          data: {
            modelRegistry: {
              storage: { filesystem: { rootDir: createMockDirectory().path } },
              github: {
                webhookSecret: SECRET,
                previousWebhookSecret: PREVIOUS,
                // The push examples touch README.md.
                metadataFile: 'README.md',
              },
            },
          },
        }),
      ],
    });
    const api = request(server);
    const auth = mockCredentials.user.header('user:default/ada');
    for (const name of ['hello-model', 'octo-model']) {
      await api
        .post('/api/model-registry/models')
        .set('Authorization', auth)
        .send({ name, owner: 'group:default/ds' })
        .expect(201);
    }
    const deliver = async (
      event: string,
      body: string,
      delivery: string,
      status: number,
      secret: string | null = SECRET,
    ) => {
      const call = api
        .post('/api/model-registry/github/webhook')
        .set('Content-Type', 'application/json')
        .set('X-GitHub-Event', event)
        .set('X-GitHub-Delivery', delivery);
      if (secret) call.set('X-Hub-Signature-256', await sign(secret, body));
      return call.send(body).expect(status);
    };
    const version = async (model: string, n: number) =>
      (
        await api
          .get(`/api/model-registry/models/${model}/versions/${n}`)
          .set('Authorization', auth)
          .expect(200)
      ).body;

    // release published → version 1 of hello-model.
    const release = example('release', p => p.action === 'published');
    const registered = await deliver('release', release, 'd-release', 201);
    expect(registered.body).toEqual({
      outcome: 'registered',
      versions: [{ model: 'hello-model', version: 1 }],
    });
    expect(await version('hello-model', 1)).toMatchObject({
      status: 'PENDING',
      description: 'Release 0.0.1',
      source: {
        uri: 'https://github.com/Codertocat/Hello-World/releases/tag/0.0.1',
      },
      annotations: {
        'github.com/repository': 'Codertocat/Hello-World',
        'github.com/event': 'release',
        'github.com/delivery': 'd-release',
        'github.com/release-tag': '0.0.1',
      },
      createdBy: 'service:plugin:model-registry',
    });
    // The same delivery again: nothing new.
    expect((await deliver('release', release, 'd-release', 200)).body).toEqual({
      outcome: 'duplicate',
    });

    // push to the default branch touching the metadata file, signed with
    // the previous secret (rotation).
    const push = example('push', p => p.ref === 'refs/heads/master');
    const pushed = await deliver('push', push, 'd-push', 201, PREVIOUS);
    expect(pushed.body.versions).toEqual([
      { model: 'hello-model', version: 2 },
    ]);
    expect((await version('hello-model', 2)).source).toEqual({
      commit: JSON.parse(push).after,
      uri: JSON.parse(push).compare,
    });

    // workflow_run completed with success → a version with its run.
    const run = example(
      'workflow_run',
      p => p.action === 'completed' && p.workflow_run.conclusion === 'success',
    );
    await deliver('workflow_run', run, 'd-run', 201);
    const fromRun = await version('octo-model', 1);
    expect(fromRun.source).toEqual({
      runId: 'octo-org/octo-repo/actions/runs/289782451',
      commit: '3484a3fb816e0859fd6e1cea078d76385ff50625',
      uri: JSON.parse(run).workflow_run.html_url,
    });
    const lineage = await api
      .get('/api/model-registry/models/octo-model/lineage')
      .set('Authorization', auth)
      .expect(200);
    expect(JSON.stringify(lineage.body)).toContain(
      '3484a3fb816e0859fd6e1cea078d76385ff50625',
    );

    // Runs that did not succeed, tag pushes and other events are ignored.
    const unfinished = example(
      'workflow_run',
      p => p.action === 'completed' && p.workflow_run.conclusion === null,
    );
    expect(
      (await deliver('workflow_run', unfinished, 'd-run-2', 200)).body,
    ).toEqual({
      outcome: 'ignored',
      reason: 'workflow_run completed (no conclusion)',
    });
    const tag = example('push', p => p.ref !== 'refs/heads/master');
    expect((await deliver('push', tag, 'd-tag', 200)).body.outcome).toBe(
      'ignored',
    );
    expect(
      (await deliver('ping', example('ping'), 'd-ping', 200)).body,
    ).toEqual({
      outcome: 'pong',
    });

    // Unsigned and wrongly signed deliveries: 401, recorded, no version.
    await deliver('release', release, 'd-unsigned', 401, null);
    await deliver('release', release, 'd-forged', 401, 'not-the-secret-at-all');
    const tampered = release.replace('0.0.1', '9.9.9');
    await api
      .post('/api/model-registry/github/webhook')
      .set('Content-Type', 'application/json')
      .set('X-GitHub-Event', 'release')
      .set('X-GitHub-Delivery', 'd-tampered')
      .set('X-Hub-Signature-256', await sign(SECRET, release))
      .send(tampered)
      .expect(401);
    const log = await api
      .get('/api/model-registry/github/deliveries')
      .set('Authorization', auth)
      .expect(200);
    expect(
      log.body.rejections.map((r: any) => [r.claimedDeliveryId, r.reason]),
    ).toEqual([
      ['d-tampered', 'X-Hub-Signature-256 does not match'],
      ['d-forged', 'X-Hub-Signature-256 does not match'],
      ['d-unsigned', 'X-Hub-Signature-256 is missing'],
    ]);
    expect(
      Object.fromEntries(
        log.body.deliveries.map((d: any) => [d.deliveryId, d.outcome]),
      ),
    ).toEqual({
      'd-release': 'registered',
      'd-push': 'registered',
      'd-run': 'registered',
      'd-run-2': 'ignored',
      'd-tag': 'ignored',
    });
    const versions = await api
      .get('/api/model-registry/models/hello-model/versions')
      .set('Authorization', auth)
      .expect(200);
    expect(versions.body.items).toHaveLength(2);

    // Signed but malformed: 400.
    await deliver('release', '{not json', 'd-bad', 400);
    await api
      .post('/api/model-registry/github/webhook')
      .set('X-GitHub-Event', 'release')
      .set('X-Hub-Signature-256', await sign(SECRET, release))
      .set('Content-Type', 'application/json')
      .send(release)
      .expect(400);
  });
});
