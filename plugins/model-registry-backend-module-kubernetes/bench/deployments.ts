/*
 * Deployment figures, printed: (1) reconciliation of model-environment pairs
 * against a local Kubernetes API server; (2) the time from a failure
 * appearing (a rollout's ProgressDeadlineExceeded, a guardrail's metric) to
 * the rollback being applied on the cluster, with the rollout task running
 * at the configured poll interval.
 *
 * It runs the real registry plugin and this module in a backend on SQLite
 * (or PostgreSQL with BENCH_PG=postgresql://...), through the real
 * @kubernetes/client-node.
 *
 *   yarn bench            # 300 pairs, poll interval 1 s
 *   PAIRS=600 POLL_MS=500 yarn bench
 */
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
// The module is tested inside the registry plugin it extends.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import modelRegistryPlugin from '@mlreg/plugin-model-registry-backend';
import { ModelRegistryClient } from '@mlreg/plugin-model-registry-common';
import knexFactory from 'knex';
import { randomUUID } from 'node:crypto';
import { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import kubernetesModule from '../src';
import { FakeKubernetesApi } from '../src/__testUtils__/FakeKubernetesApi';
import { FakePrometheus } from '../src/__testUtils__/FakePrometheus';
import { prometheusTestSourceModule } from '../src/__testUtils__/testMonitoringSource';
import { schedulerOfRegistry } from '../src/__testUtils__/schedulerOf';

const PAIRS = Number(process.env.PAIRS ?? 300);
const POLL_MS = Number(process.env.POLL_MS ?? 1000);
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

async function main() {
  const kube = new FakeKubernetesApi();
  const prometheus = new FakePrometheus();
  await kube.start();
  await prometheus.start();
  const knex = process.env.BENCH_PG
    ? knexFactory({ client: 'pg', connection: process.env.BENCH_PG })
    : knexFactory({
        client: 'better-sqlite3',
        connection: ':memory:',
        useNullAsDefault: true,
      });
  const cluster = {
    name: 'bench',
    url: kube.url,
    token: 'test-token',
    skipTLSVerify: true,
  };
  const captured = schedulerOfRegistry();
  const { server } = await startTestBackend({
    features: [
      modelRegistryPlugin,
      kubernetesModule,
      prometheusTestSourceModule(prometheus.url),
      mockServices.database.factory({ knex }),
      mockServices.scheduler.factory({ skipTaskRunOnStartup: true }),
      captured.module,
      catalogServiceMock.factory({ entities: [] }),
      mockServices.rootConfig.factory({
        data: {
          modelRegistry: {
            storage: {
              filesystem: { rootDir: `/tmp/mlreg-bench-${randomUUID()}` },
            },
            deployments: { pollInterval: { milliseconds: POLL_MS } },
            kubernetes: {
              watchTimeout: { milliseconds: Math.min(POLL_MS, 1000) },
            },
            environments: [
              {
                name: 'staging',
                alias: 'staging',
                targetKind: 'deployment',
                image: 'model-server:1',
                cluster,
                namespace: 'staging',
              },
              {
                name: 'production',
                alias: 'production',
                targetKind: 'kserve',
                cluster,
                namespace: 'production',
                canaryTrafficPercent: 10,
                bakeTime: { milliseconds: 4 * POLL_MS },
                guardrails: [
                  {
                    name: 'error-rate',
                    source: 'test-prometheus',
                    query: 'error_rate',
                    successCondition: 'result[0] < 0.05',
                    interval: { milliseconds: POLL_MS },
                  },
                ],
              },
            ],
          },
        },
      }),
    ],
  });
  const { port } = server.address() as AddressInfo;
  const client = new ModelRegistryClient({
    discoveryApi: {
      getBaseUrl: async () => `http://localhost:${port}/api/model-registry`,
    },
  });
  const token = { token: mockCredentials.user.token() };

  // (1) reconciliation: PAIRS/2 models, each followed in both environments
  const models = Math.ceil(PAIRS / 2);
  for (let i = 0; i < models; i += 50) {
    const batch = Array.from(
      { length: Math.min(50, models - i) },
      (_, j) => `bench-${i + j}`,
    );
    for (const name of batch)
      await client.createModel({ name, owner: 'group:default/bench' }, token);
    await client.registerVersions(
      {
        items: batch.map(model => ({
          model,
          version: {
            artifact: { uri: `s3://bench/${model}/1`, format: 'sklearn' },
          },
        })),
      },
      token,
    );
  }
  const rows = await knex('model_versions')
    .join('models', 'models.id', 'model_versions.model_id')
    .select('model_versions.id', 'model_versions.model_id', 'models.name');
  const now = new Date();
  for (const alias of ['staging', 'production']) {
    // set in the database: an alias move through the API would deploy each model
    for (let i = 0; i < rows.length; i += 200) {
      await knex('model_aliases').insert(
        rows.slice(i, i + 200).map(r => ({
          model_id: r.model_id,
          alias,
          version_id: r.id,
          updated_at: now,
          updated_by: 'user:default/bench',
        })),
      );
    }
  }
  rows.forEach((r, i) => {
    const served = i % 10 === 0 ? 2 : 1; // every tenth model is out of sync
    const labels = {
      'mlreg.io/model': r.name,
      'mlreg.io/version': String(served),
    };
    kube.put('Deployment', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: r.name, namespace: 'staging', labels },
    });
    kube.put('InferenceService', {
      apiVersion: 'serving.kserve.io/v1beta1',
      kind: 'InferenceService',
      metadata: { name: r.name, namespace: 'production', labels },
    });
  });
  const runs: number[] = [];
  for (let run = 0; run < 3; run++) {
    const started = performance.now();
    await captured.scheduler.triggerTask(
      'model-registry-deployments-reconcile',
    );
    runs.push(performance.now() - started);
  }
  const synced = await knex('deployment_sync').select('in_sync');
  const out = synced.filter(r => !r.in_sync).length;
  console.log(
    `reconciliation: ${
      synced.length
    } model-environment pairs (${out} out of sync) in ${runs
      .map(ms => `${ms.toFixed(0)} ms`)
      .join(
        ', ',
      )} (first run writes every row and ${out} out_of_sync events); limit 5000 ms`,
  );

  // (2) failure to rollback, the rollout task at the poll interval
  const ticker = setInterval(() => {
    captured.scheduler
      .triggerTask('model-registry-deployments')
      .catch(() => {});
    captured.scheduler
      .triggerTask('model-registry-outbox-dispatcher')
      .catch(() => {});
  }, POLL_MS);
  const until = async (check: () => Promise<boolean> | boolean) => {
    const started = Date.now();
    while (!(await check())) {
      if (Date.now() - started > 60_000) throw new Error('timed out');
      await sleep(20);
    }
  };
  const status = async (model: string, version: number) =>
    (await client.listDeployments(model, {}, token)).items.find(
      d => d.version === version,
    )?.status;

  const rolloutFigures: number[] = [];
  const analysisFigures: number[] = [];
  for (let round = 0; round < 3; round++) {
    const name = `failing-${round}`;
    await client.createModel({ name, owner: 'group:default/bench' }, token);
    for (let v = 1; v <= 2; v++) {
      await client.registerVersion(
        name,
        { artifact: { uri: `s3://bench/${name}/${v}`, format: 'sklearn' } },
        token,
      );
    }
    kube.behave(name, { type: 'rollout', delayMs: 100 });
    await client.setAlias(name, 'staging', 1, token);
    await until(async () => (await status(name, 1)) === 'succeeded');
    // the new version's rollout fails a random moment after it starts
    kube.behave(
      name,
      { type: 'deadline', delayMs: 200 + Math.random() * POLL_MS },
      2,
    );
    await client.setAlias(name, 'staging', 2, token);
    await until(() => kube.transitions.some(t => t.name === name && t.failed));
    const failedAt = kube.transitions.find(
      t => t.name === name && t.failed,
    )!.at;
    await until(() =>
      kube.requests.some(
        r =>
          r.at > failedAt &&
          r.method === 'PATCH' &&
          r.path.endsWith(`/deployments/${name}`) &&
          r.body?.metadata?.labels?.['mlreg.io/version'] === '1',
      ),
    );
    const appliedAt = kube.requests.find(
      r =>
        r.at > failedAt &&
        r.method === 'PATCH' &&
        r.path.endsWith(`/deployments/${name}`),
    )!.at;
    rolloutFigures.push(appliedAt - failedAt);

    // a canary whose error rate goes bad during the bake time
    const canary = `canary-${round}`;
    await client.createModel(
      { name: canary, owner: 'group:default/bench' },
      token,
    );
    for (let v = 1; v <= 2; v++) {
      await client.registerVersion(
        canary,
        { artifact: { uri: `s3://bench/${canary}/${v}`, format: 'sklearn' } },
        token,
      );
    }
    kube.behave(canary, { type: 'ready', delayMs: 50 });
    prometheus.answers.set('error_rate', 0.01);
    // the first version has no predecessor: no canary, only the bake time
    await client.setAlias(canary, 'production', 1, token);
    await until(async () => (await status(canary, 1)) === 'succeeded');
    await client.setAlias(canary, 'production', 2, token);
    await until(
      () =>
        kube.get('InferenceService', 'production', canary)?.spec.predictor
          .canaryTrafficPercent === 10,
    );
    await sleep(Math.random() * POLL_MS);
    const badAt = performance.now();
    prometheus.answers.set('error_rate', 0.5);
    await until(() =>
      kube.requests.some(
        r =>
          r.at > badAt &&
          r.method === 'PATCH' &&
          r.path.endsWith(`/inferenceservices/${canary}`) &&
          r.body?.spec?.predictor?.canaryTrafficPercent === 0,
      ),
    );
    const resetAt = kube.requests.find(
      r =>
        r.at > badAt &&
        r.method === 'PATCH' &&
        r.path.endsWith(`/inferenceservices/${canary}`) &&
        r.body?.spec?.predictor?.canaryTrafficPercent === 0,
    )!.at;
    analysisFigures.push(resetAt - badAt);
    prometheus.answers.set('error_rate', 0.01);
  }
  clearInterval(ticker);
  const show = (xs: number[]) => xs.map(ms => `${ms.toFixed(0)} ms`).join(', ');
  console.log(
    `failed rollout (ProgressDeadlineExceeded) to last good manifest re-applied, poll interval ${POLL_MS} ms: ${show(
      rolloutFigures,
    )}; limit 5000 ms`,
  );
  console.log(
    `failing guardrail (error rate) to canary traffic reset, measurement interval ${POLL_MS} ms: ${show(
      analysisFigures,
    )}; limit 5000 ms`,
  );
  console.log(
    `load average: ${loadavg()
      .map(l => l.toFixed(2))
      .join(' ')}`,
  );
  await server.close();
  await kube.stop();
  await prometheus.stop();
  await knex.destroy();
  process.exit(0);
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
