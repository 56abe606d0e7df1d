import {
  createMockDirectory,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { modelRegistryPlugin } from '@mlreg/plugin-model-registry-backend';
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { AddressInfo, createServer } from 'node:net';
import request from 'supertest';
import modelRegistryModulePrometheus from '.';
import { PrometheusClient, scopedQuery } from './promql';

jest.setTimeout(180_000);

const base = '/api/model-registry';
const TOKEN = 'alertmanager-test-token-0123456789';

/** Debian's binaries; `.ci/run` installs them. */
const PROMETHEUS = '/usr/bin/prometheus';
const ALERTMANAGER = '/usr/bin/prometheus-alertmanager';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  ms = 120_000,
): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 500));
  }
}

function rows(n: number, shift: number): string {
  const lines = ['amount'];
  for (let i = 0; i < n; i++)
    lines.push(String(((i * 37) % 1000) / 10 + shift));
  return `${lines.join('\n')}\n`;
}

describe('Prometheus and Alertmanager (real binaries)', () => {
  const dir = createMockDirectory();
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  const children: ChildProcess[] = [];

  afterAll(() => {
    for (const child of children) child.kill('SIGTERM');
  });

  it('is scraped by Prometheus, read back by the PromQL client, and records firing alerts', async () => {
    expect(spawnSync(PROMETHEUS, ['--version']).status).toBe(0);
    expect(spawnSync(ALERTMANAGER, ['--version']).status).toBe(0);
    const [promPort, amPort] = [await freePort(), await freePort()];
    const knex = await databases.init('SQLITE_3');
    const { server } = await startTestBackend({
      features: [
        modelRegistryPlugin,
        modelRegistryModulePrometheus,
        mockServices.database.factory({ knex }),
        // The real scheduler: the outbox dispatcher runs every 5 s.
        schedulerServiceFactory,
        mockServices.rootConfig.factory({
          data: {
            modelRegistry: {
              storage: { filesystem: { rootDir: dir.resolve('store') } },
              prometheus: {
                url: `http://127.0.0.1:${promPort}`,
                metrics: { unauthenticated: true },
                alertmanager: { token: TOKEN },
              },
            },
          },
        }),
      ],
    });
    const port = (server.address() as AddressInfo).port;

    // A drifting model: reference, a shifted batch, a check.
    await request(server)
      .post(`${base}/models`)
      .send({ name: 'fraud', owner: 'group:default/ds' })
      .expect(201);
    await request(server)
      .post(`${base}/models/fraud/versions`)
      .send({ artifact: { uri: 'https://models.example/fraud.onnx' } })
      .expect(201);
    await request(server)
      .put(`${base}/models/fraud/versions/1/reference-profile/data?format=csv`)
      .set('Content-Type', 'text/csv')
      .send(rows(2000, 0))
      .expect(200);
    await request(server)
      .post(
        `${base}/models/fraud/environments/production/drift/batches/data?format=csv&version=1`,
      )
      .set('Content-Type', 'text/csv')
      .send(rows(500, 40))
      .expect(201);
    const check = await request(server)
      .post(`${base}/models/fraud/environments/production/drift/check`)
      .send({})
      .expect(200);
    expect(check.body.report.verdict).toBe('drift');

    // The metrics reach the endpoint once the outbox delivered the event.
    await waitFor('drift gauges', async () => {
      const res = await request(server).get(`${base}/metrics`);
      return res.text.includes(
        'mlreg_dataset_drift{model="fraud",environment="production"} 1',
      )
        ? true
        : undefined;
    });
    const metrics = await request(server).get(`${base}/metrics`).expect(200);
    expect(metrics.text).toMatch(
      /mlreg_events_total\{type="version.registered"\} 1/,
    );
    expect(metrics.text).toMatch(
      /mlreg_feature_drift_score\{model="fraud",environment="production",feature="amount",method="wasserstein"\}/,
    );
    expect(metrics.text).toMatch(
      /mlreg_outbox_deliveries\{subscriber="prometheus-metrics",status="delivered"\}/,
    );

    dir.addContent({
      'rules.yml': [
        'groups:',
        '  - name: mlreg',
        '    rules:',
        '      - alert: ModelDrift',
        '        expr: mlreg_dataset_drift > 0',
        '        labels: { severity: warning }',
        '        annotations: { summary: "production traffic drifted" }',
      ].join('\n'),
      'prometheus.yml': [
        'global: { scrape_interval: 1s, evaluation_interval: 1s }',
        `rule_files: ["${dir.resolve('rules.yml')}"]`,
        `alerting: { alertmanagers: [{ static_configs: [{ targets: ["127.0.0.1:${amPort}"] }] }] }`,
        'scrape_configs:',
        '  - job_name: model-registry',
        `    metrics_path: ${base}/metrics`,
        `    static_configs: [{ targets: ["127.0.0.1:${port}"] }]`,
      ].join('\n'),
      'alertmanager.yml': [
        'route: { receiver: mlreg, group_wait: 1s, group_interval: 1s, repeat_interval: 1h }',
        'receivers:',
        '  - name: mlreg',
        '    webhook_configs:',
        `      - url: http://127.0.0.1:${port}${base}/alertmanager/webhook`,
        '        http_config:',
        `          authorization: { credentials: ${TOKEN} }`,
      ].join('\n'),
    });
    const start = (command: string, args: string[]) => {
      const child = spawn(command, args, { stdio: 'ignore' });
      children.push(child);
    };
    start(ALERTMANAGER, [
      `--config.file=${dir.resolve('alertmanager.yml')}`,
      `--storage.path=${dir.resolve('am')}`,
      `--web.listen-address=127.0.0.1:${amPort}`,
      '--cluster.listen-address=',
    ]);
    start(PROMETHEUS, [
      `--config.file=${dir.resolve('prometheus.yml')}`,
      `--storage.tsdb.path=${dir.resolve('tsdb')}`,
      `--web.listen-address=127.0.0.1:${promPort}`,
    ]);

    // Prometheus scraped the registry: the project's client reads it back.
    const client = new PrometheusClient(`http://127.0.0.1:${promPort}`);
    const scope = {
      model: 'fraud',
      environment: {
        name: 'production',
        cluster: 'c',
        namespace: 'ml',
        targetKind: 'kserve',
      },
    };
    const samples = await waitFor('the scraped gauge', async () => {
      const found = await client.query(
        scopedQuery('generic', 'template:datasetDrift', scope),
      );
      return found.length > 0 ? found : undefined;
    });
    expect(samples[0]).toMatchObject({
      labels: { model: 'fraud', environment: 'production' },
      value: 1,
    });

    // The alert fired, Alertmanager delivered it, the receiver recorded it.
    const breached = await waitFor('monitor.breached', async () => {
      const found = await knex('outbox_events').where({
        type: 'monitor.breached',
      });
      return found.length > 0 ? found : undefined;
    });
    expect(breached).toHaveLength(1);
    expect(JSON.parse(breached[0].payload)).toMatchObject({
      model: 'fraud',
      status: 'breached',
      alert: 'ModelDrift',
      source: 'alertmanager',
      environment: 'production',
      summary: 'production traffic drifted',
    });
  });
});

describe('Alertmanager receiver: bad input', () => {
  const dir = createMockDirectory();
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

  it('refuses wrong tokens and malformed payloads, and deduplicates', async () => {
    const knex = await databases.init('SQLITE_3');
    const { server } = await startTestBackend({
      features: [
        modelRegistryPlugin,
        modelRegistryModulePrometheus,
        mockServices.database.factory({ knex }),
        mockServices.rootConfig.factory({
          data: {
            modelRegistry: {
              storage: { filesystem: { rootDir: dir.resolve('store') } },
              prometheus: { alertmanager: { token: TOKEN } },
            },
          },
        }),
      ],
    });
    await request(server)
      .post(`${base}/models`)
      .send({ name: 'fraud', owner: 'group:default/ds' })
      .expect(201);
    const url = `${base}/alertmanager/webhook`;
    const auth = `Bearer ${TOKEN}`;
    const alert = {
      status: 'firing',
      labels: { alertname: 'HighLatency', model: 'fraud' },
      startsAt: '2026-11-29T10:00:00Z',
      fingerprint: 'abc123',
    };
    const payload = {
      version: '4',
      groupKey: '{}:{alertname="HighLatency"}',
      status: 'firing',
      alerts: [alert],
    };
    await request(server)
      .post(url)
      .set('Authorization', 'Bearer wrong')
      .send(payload)
      .expect(401);
    await request(server).post(url).send(payload).expect(401);
    await request(server)
      .post(url)
      .set('Authorization', auth)
      .set('Content-Type', 'application/json')
      .send('{not json')
      .expect(400);
    await request(server)
      .post(url)
      .set('Authorization', auth)
      .send({ ...payload, version: '3' })
      .expect(400);
    await request(server)
      .post(url)
      .set('Authorization', auth)
      .send({ version: '4' })
      .expect(400);
    const first = await request(server)
      .post(url)
      .set('Authorization', auth)
      .send(payload)
      .expect(200);
    expect(first.body).toEqual({ recorded: 1, duplicates: 0, ignored: 0 });
    const again = await request(server)
      .post(url)
      .set('Authorization', auth)
      .send({
        ...payload,
        alerts: [
          alert,
          { ...alert, labels: { alertname: 'X' }, fingerprint: 'n' },
          {
            ...alert,
            labels: { alertname: 'Y', model: 'nope' },
            fingerprint: 'm',
          },
        ],
      })
      .expect(200);
    expect(again.body).toEqual({ recorded: 0, duplicates: 1, ignored: 2 });
    const resolved = await request(server)
      .post(url)
      .set('Authorization', auth)
      .send({
        ...payload,
        status: 'resolved',
        alerts: [
          { ...alert, status: 'resolved', endsAt: '2026-11-29T11:00:00Z' },
        ],
      })
      .expect(200);
    expect(resolved.body.recorded).toBe(1);
    expect(
      (
        await knex('outbox_events').whereIn('type', [
          'monitor.breached',
          'monitor.recovered',
        ])
      ).map(e => e.type),
    ).toEqual(['monitor.breached', 'monitor.recovered']);
  });
});
