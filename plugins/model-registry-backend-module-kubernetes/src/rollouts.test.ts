import { Deployment } from '@mlreg/plugin-model-registry-common';
import { FakeKubernetesApi } from './__testUtils__/FakeKubernetesApi';
import { FakePrometheus } from './__testUtils__/FakePrometheus';
import { databases, startDeployer } from './__testUtils__/startDeployer';

jest.setTimeout(180_000);

const owner = 'group:default/ml-platform';

describe.each(databases.eachSupportedId())(
  'rollouts through the registry (%s)',
  databaseId => {
    const kube = new FakeKubernetesApi();
    const prometheus = new FakePrometheus();
    let registry: Awaited<ReturnType<typeof startDeployer>>;

    beforeAll(async () => {
      await kube.start();
      await prometheus.start();
      registry = await startDeployer(databaseId, { kube, prometheus });
    });
    afterAll(async () => {
      await registry?.server.close();
      await kube.stop();
      await prometheus.stop();
    });

    const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

    /** Runs the rollout task until `check` holds (or fails after 20 s). */
    async function until<T>(
      check: () => Promise<T | undefined | false>,
      what: string,
    ): Promise<T> {
      const started = Date.now();
      for (;;) {
        // the outbox delivers alias moves to the deployer; the rollout task advances
        await registry.scheduler.triggerTask(
          'model-registry-outbox-dispatcher',
        );
        await registry.scheduler.triggerTask('model-registry-deployments');
        const result = await check();
        if (result) return result;
        if (Date.now() - started > 20_000)
          throw new Error(`timed out waiting for ${what}`);
        await sleep(100);
      }
    }

    const deployments = async (model: string, environment?: string) =>
      (
        await registry.client.listDeployments(
          model,
          { environment },
          registry.token,
        )
      ).items;

    /** The newest deployment of an environment once it reached one of `statuses`. */
    const settled = (
      model: string,
      environment: string,
      version: number,
      statuses: string[],
    ) =>
      until(async () => {
        const found = (await deployments(model, environment)).find(
          d => d.version === version,
        );
        return found && statuses.includes(found.status) ? found : undefined;
      }, `${model} v${version} in ${environment} to be ${statuses.join('|')}`);

    async function registerModel(name: string, versions: number) {
      const { client, token } = registry;
      await client.createModel({ name, owner }, token);
      for (let v = 1; v <= versions; v++) {
        await client.registerVersion(
          name,
          { artifact: { uri: `s3://models/${name}/${v}`, format: 'sklearn' } },
          token,
        );
      }
    }

    const statuses = (d: Deployment) => d.history.map(h => h.status);
    // A rollout may report progress more than once, each time with its own
    // message: the phases it went through, without the repeats.
    const phases = (d: Deployment) =>
      statuses(d).filter((status, i, all) => i === 0 || all[i - 1] !== status);

    it('deploys when the followed alias moves: first deploy, then an upgrade', async () => {
      const { client, token } = registry;
      await registerModel('fraud', 2);
      kube.behave('fraud', { type: 'rollout', delayMs: 200 });
      await client.setAlias('fraud', 'staging', 1, token);
      const first = await settled('fraud', 'staging', 1, ['succeeded']);
      expect(first).toMatchObject({
        trigger: 'alias',
        target: { cluster: 'fake', namespace: 'staging', kind: 'deployment' },
      });
      expect(statuses(first)).toEqual(
        expect.arrayContaining(['pending', 'progressing', 'succeeded']),
      );
      const workload = kube.get('Deployment', 'staging', 'fraud')!;
      expect(workload.metadata.labels).toMatchObject({
        'backstage.io/kubernetes-id': 'fraud',
        'mlreg.io/model': 'fraud',
        'mlreg.io/version': '1',
      });
      expect(kube.get('Service', 'staging', 'fraud')).toBeDefined();

      await client.setAlias('fraud', 'staging', 2, token);
      const upgrade = await settled('fraud', 'staging', 2, ['succeeded']);
      expect(upgrade.replacedVersion).toBe(1);
      expect(
        kube.get('Deployment', 'staging', 'fraud')!.metadata.labels[
          'mlreg.io/version'
        ],
      ).toBe('2');
      const [staging] = (
        await client.listModelEnvironments('fraud', token)
      ).filter(e => e.name === 'staging');
      expect(staging).toMatchObject({
        aliasVersion: 2,
        servingVersion: 2,
        available: true,
        mode: 'kubernetes',
      });
    });

    it('rolls a failed rollout back to the last good version and moves the alias back', async () => {
      const { client, token } = registry;
      await registerModel('churn', 2);
      kube.behave('churn', { type: 'rollout', delayMs: 50 });
      await client.setAlias('churn', 'staging', 1, token);
      const good = await settled('churn', 'staging', 1, ['succeeded']);

      kube.behave('churn', { type: 'deadline', delayMs: 50 }, 2);
      await client.setAlias('churn', 'staging', 2, token);
      const bad = await settled('churn', 'staging', 2, ['rolled-back']);
      expect(phases(bad)).toEqual(['pending', 'progressing', 'rolled-back']);
      expect(bad.history.at(-1)!.message).toContain('ProgressDeadlineExceeded');

      const rollback = await until(async () => {
        const all = await deployments('churn', 'staging');
        return all.find(
          d => d.rollbackOf === bad.id && d.status === 'succeeded',
        );
      }, 'the rollback to succeed');
      expect(rollback).toMatchObject({
        version: 1,
        trigger: 'auto-rollback',
        replacedVersion: 2,
      });
      expect(
        kube.get('Deployment', 'staging', 'churn')!.metadata.labels[
          'mlreg.io/version'
        ],
      ).toBe('1');
      // the recorded manifest of the good deployment was applied again
      expect(
        kube.get('Deployment', 'staging', 'churn')!.spec.template.spec
          .containers[0].env,
      ).toContainEqual({
        name: 'MODEL_URI',
        value: 's3://models/churn/1',
      });
      expect(
        (await client.getVersionByAlias('churn', 'staging', token)).version,
      ).toBe(1);
      const audit = await client.listAuditRecords(
        'churn',
        { actor: 'service:model-registry/deployer' },
        token,
      );
      expect(audit.items.map(a => a.action)).toEqual(
        expect.arrayContaining(['alias.set', 'deployment.rollback']),
      );
      const rolledBack = await registry
        .knex('outbox_events')
        .where({ type: 'deployment.rolled_back' });
      const payload = JSON.parse(rolledBack.at(-1).payload);
      expect(payload).toMatchObject({
        model: 'churn',
        fromVersion: 2,
        toVersion: 1,
        automatic: true,
      });
      expect(payload.reason).toContain('ProgressDeadlineExceeded');
      expect(good.id).not.toBe(rollback.id);
    });

    it('promotes a KServe canary whose guardrails hold, and rolls back one whose analysis fails', async () => {
      const { client, token } = registry;
      await registerModel('ranker', 3);
      kube.behave('ranker', { type: 'ready', delayMs: 50 });
      prometheus.answers.set('error_rate', 0.01);
      await client.setAlias('ranker', 'production', 1, token);
      await settled('ranker', 'production', 1, ['succeeded']);

      await client.setAlias('ranker', 'production', 2, token);
      await until(
        async () =>
          kube.get('InferenceService', 'production', 'ranker')?.spec.predictor
            .canaryTrafficPercent === 10,
        'the canary',
      );
      const promoted = await settled('ranker', 'production', 2, ['succeeded']);
      expect(promoted.history.at(-1)!.message).toContain('canary promoted');
      expect(promoted.guardrails).toEqual([
        expect.objectContaining({
          name: 'error-rate',
          phase: 'successful',
          successful: 2,
        }),
      ]);
      expect(
        kube.get('InferenceService', 'production', 'ranker')!.spec.predictor
          .canaryTrafficPercent,
      ).toBeUndefined();

      prometheus.answers.set('error_rate', 0.4);
      kube.requests.length = 0;
      await client.setAlias('ranker', 'production', 3, token);
      const failed = await settled('ranker', 'production', 3, ['rolled-back']);
      expect(failed.history.at(-1)!.message).toContain(
        'analysis failed: error-rate: failed',
      );
      const isvcPatches = kube.requests
        .filter(
          r =>
            r.method === 'PATCH' &&
            r.path.endsWith('/inferenceservices/ranker'),
        )
        .map(r => r.body!.spec.predictor);
      // canary of v3, then traffic back to v2 at once, then v2's recorded spec
      expect(isvcPatches.slice(-2)).toEqual([
        expect.objectContaining({
          canaryTrafficPercent: 0,
          model: expect.objectContaining({
            storageUri: 's3://models/ranker/3',
          }),
        }),
        expect.objectContaining({
          model: expect.objectContaining({
            storageUri: 's3://models/ranker/2',
          }),
        }),
      ]);
      expect(
        (await client.getVersionByAlias('ranker', 'production', token)).version,
      ).toBe(2);
    });

    it('pauses an inconclusive analysis, holds when metrics are down in hold mode, and aborts in abort mode', async () => {
      const { client, token } = registry;
      await registerModel('pricing', 3);
      kube.behave('pricing', { type: 'ready', delayMs: 50 });
      prometheus.answers.set('latency_p99', 0.1);
      await client.setAlias('pricing', 'canary', 1, token);
      await settled('pricing', 'canary', 1, ['succeeded']);

      prometheus.answers.set('latency_p99', 0.4); // neither condition holds
      await client.setAlias('pricing', 'canary', 2, token);
      const paused = await settled('pricing', 'canary', 2, ['paused']);
      expect(paused.history.at(-1)!.message).toContain('analysis inconclusive');
      expect(
        await registry
          .knex('outbox_events')
          .where({ type: 'deployment.paused' }),
      ).toHaveLength(1);
      // a paused rollout is left alone: the canary keeps its share
      expect(
        kube.get('InferenceService', 'canary', 'pricing')!.spec.predictor
          .canaryTrafficPercent,
      ).toBe(20);

      prometheus.answers.set('latency_p99', 'down');
      await client.setAlias('pricing', 'canary', 3, token);
      const held = await settled('pricing', 'canary', 3, ['paused']);
      expect(held.history.at(-1)!.message).toContain(
        'metrics unavailable, fail-safe hold',
      );

      await registerModel('search', 2);
      kube.behave('search', { type: 'ready', delayMs: 50 });
      prometheus.answers.set('error_rate', 0.01);
      await client.setAlias('search', 'production', 1, token);
      await settled('search', 'production', 1, ['succeeded']);
      prometheus.answers.set('error_rate', 'down');
      await client.setAlias('search', 'production', 2, token);
      const aborted = await settled('search', 'production', 2, ['rolled-back']);
      expect(aborted.history.at(-1)!.message).toContain(
        'metrics unavailable, fail-safe abort',
      );
      expect(
        (await client.getVersionByAlias('search', 'production', token)).version,
      ).toBe(1);
    });

    it('rolls back by hand to any earlier successful deployment', async () => {
      const { client, token } = registry;
      await registerModel('vision', 3);
      kube.behave('vision', { type: 'rollout', delayMs: 50 });
      const first = await client.createDeployment(
        'vision',
        { environment: 'staging', version: 1 },
        token,
      );
      expect(first).toMatchObject({ trigger: 'manual', version: 1 });
      await settled('vision', 'staging', 1, ['succeeded']);
      await client.setAlias('vision', 'staging', 3, token);
      const third = await settled('vision', 'staging', 3, ['succeeded']);

      const back = await client.rollbackDeployment(
        'vision',
        first.id,
        'v3 misclassifies trucks',
        token,
      );
      expect(back).toMatchObject({
        version: 1,
        trigger: 'rollback',
        rollbackOf: third.id,
        replacedVersion: 3,
      });
      await until(
        async () =>
          (
            await deployments('vision', 'staging')
          ).find(d => d.id === back.id && d.status === 'succeeded'),
        'the manual rollback',
      );
      expect(
        (await deployments('vision', 'staging')).find(d => d.id === third.id)!
          .status,
      ).toBe('rolled-back');
      expect(
        (await client.getVersionByAlias('vision', 'staging', token)).version,
      ).toBe(1);
      expect(
        kube.get('Deployment', 'staging', 'vision')!.metadata.labels[
          'mlreg.io/version'
        ],
      ).toBe('1');

      await expect(
        client.rollbackDeployment('vision', back.id, undefined, token),
      ).rejects.toMatchObject({
        response: { status: 409 },
      });
      await expect(
        client.createDeployment(
          'vision',
          { environment: 'nowhere', version: 1 },
          token,
        ),
      ).rejects.toMatchObject({ response: { status: 400 } });
    });

    it('flags models whose cluster serves another version than their alias names', async () => {
      const { client, token } = registry;
      await registerModel('drifty', 2);
      kube.behave('drifty', { type: 'rollout', delayMs: 50 });
      await client.setAlias('drifty', 'staging', 1, token);
      await settled('drifty', 'staging', 1, ['succeeded']);
      await registry.scheduler.triggerTask(
        'model-registry-deployments-reconcile',
      );
      expect(
        (await client.getModel('drifty', token)).health.outOfSync,
      ).toBeUndefined();

      // someone changes the workload behind the registry's back
      const workload = kube.get('Deployment', 'staging', 'drifty')!;
      workload.metadata.labels['mlreg.io/version'] = '2';
      await registry.scheduler.triggerTask(
        'model-registry-deployments-reconcile',
      );
      expect((await client.getModel('drifty', token)).health.outOfSync).toEqual(
        ['staging'],
      );
      const listed = await client.listModels({ search: 'drifty' }, token);
      expect(listed.items[0].health.outOfSync).toEqual(['staging']);
      const [staging] = (
        await client.listModelEnvironments('drifty', token)
      ).filter(e => e.name === 'staging');
      expect(staging.sync).toMatchObject({ inSync: false, servedVersion: 2 });
      // flagged once, not at every check
      await registry.scheduler.triggerTask(
        'model-registry-deployments-reconcile',
      );
      expect(
        await registry
          .knex('outbox_events')
          .where({ type: 'deployment.out_of_sync', model_name: 'drifty' }),
      ).toHaveLength(1);

      workload.metadata.labels['mlreg.io/version'] = '1';
      await registry.scheduler.triggerTask(
        'model-registry-deployments-reconcile',
      );
      expect(
        (await client.getModel('drifty', token)).health.outOfSync,
      ).toBeUndefined();
    });

    it('ends API errors in clear statuses: 403 at once, 5xx and 409 retried, timeouts until the attempts run out', async () => {
      const { client, token } = registry;
      await registerModel('errors', 4);
      kube.behave('errors', { type: 'rollout', delayMs: 50 });

      kube.fail('PATCH', /deployments\/errors$/, 403);
      await client.createDeployment(
        'errors',
        { environment: 'staging', version: 1 },
        token,
      );
      const forbidden = await settled('errors', 'staging', 1, ['failed']);
      expect(forbidden.history.at(-1)!.message).toMatch(
        /HTTP 403: injected 403/,
      );

      kube.fail('PATCH', /deployments\/errors$/, 503, 1);
      kube.fail('PATCH', /deployments\/errors$/, 409, 1);
      await client.createDeployment(
        'errors',
        { environment: 'staging', version: 2 },
        token,
      );
      const retried = await settled('errors', 'staging', 2, ['succeeded']);
      const retries = retried.history.filter(h =>
        h.message?.includes('retrying'),
      );
      expect(retries.map(h => h.message)).toEqual([
        expect.stringContaining(
          'attempt 1 of 3 failed (server-side apply of Deployment staging/errors failed with HTTP 503',
        ),
        expect.stringContaining(
          'attempt 2 of 3 failed (server-side apply of Deployment staging/errors failed with HTTP 409',
        ),
      ]);

      kube.fail('PATCH', /deployments\/errors$/, 0, 3, true);
      await client.createDeployment(
        'errors',
        { environment: 'staging', version: 3 },
        token,
      );
      const timedOut = await settled('errors', 'staging', 3, [
        'failed',
        'rolled-back',
      ]);
      expect(timedOut.history.at(-1)!.message).toContain('failed 3 times');
      expect(timedOut.history.at(-1)!.message).toContain(
        'no answer from the API server within 1500ms',
      );
      expect(statuses(timedOut).filter(s => s === 'pending').length).toBe(3);

      kube.fail('GET', /deployments\/errors$/, 500, 3);
      await client.createDeployment(
        'errors',
        { environment: 'staging', version: 4 },
        token,
      );
      const unobserved = await settled('errors', 'staging', 4, [
        'failed',
        'rolled-back',
      ]);
      expect(unobserved.history.at(-1)!.message).toContain(
        'reading the rollout status failed 3 times',
      );
    });
  },
);
