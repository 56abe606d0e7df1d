/*
 * Registry benchmark: registration throughput through the HTTP API against
 * the same rows written straight with knex, and search / lookup latency on a
 * large registry. It starts the real backend (createBackend, the plugin,
 * static-token auth) on the chosen database.
 *
 *   yarn workspace @mlreg/plugin-model-registry-backend bench:registry
 *
 * BENCH_DB          sqlite (default) or postgres
 * BENCH_PG_URL      admin connection string for postgres (default: the
 *                   BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING, then
 *                   postgresql://postgres@127.0.0.1:5432/postgres); a fresh
 *                   database is created and dropped
 * BENCH_VERSIONS    versions registered per throughput run (default 2000)
 * BENCH_MODELS      models in the search data set (default 100000)
 * BENCH_SEARCH_VERSIONS  versions in the search data set (default 1000000)
 * BENCH_QUERIES     requests per latency figure (default 200)
 * BENCH_UPLOAD_MB   size of the artifact uploaded through the API (default
 *                   1024); curl sends it, so this process is the backend alone
 *                   and its RSS is the backend's
 * BENCH_UPLOAD_RUNS upload runs, each against its own plain write (default 1)
 * BENCH_ONLY        `upload`: only the upload figures; `registration`: only
 *                   the registration figures; `search`: only the search and
 *                   lookup figures and their query plans
 */
import eventsPlugin from '@backstage/plugin-events-backend';
import { modelRegistryPlugin } from '../src/plugin';
import {
  createBenchBackend,
  createBenchDatabase,
  freePort,
  runBenchmark,
} from './support';
import { DatabaseModelStore } from '../src/database/ModelStore';
import { DatabaseVersionStore } from '../src/database/VersionStore';
import knexFactory, { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { execFile } from 'node:child_process';
import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance, PerformanceObserver } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';

const DB = process.env.BENCH_DB ?? 'sqlite';
const VERSIONS = Number(process.env.BENCH_VERSIONS ?? 2000);
const MODELS = Number(process.env.BENCH_MODELS ?? 100_000);
const SEARCH_VERSIONS = Number(process.env.BENCH_SEARCH_VERSIONS ?? 1_000_000);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 200);
const UPLOAD_MB = Number(process.env.BENCH_UPLOAD_MB ?? 1024);
const UPLOAD_RUNS = Number(process.env.BENCH_UPLOAD_RUNS ?? 1);
const CLIENTS = 8;
const TOKEN = `bench-${randomUUID()}`;

async function startBackend(database: object, port: number) {
  const backend = await createBenchBackend({
    port,
    database,
    token: TOKEN,
    workDir: await fs.mkdtemp(join(tmpdir(), 'mlreg-bench-backend-')),
  });
  backend.add(eventsPlugin);
  backend.add(modelRegistryPlugin);
  await backend.start();
  return backend;
}

function percentile(sorted: number[], p: number) {
  return sorted[
    Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)
  ];
}

async function latency(label: string, urls: () => string, baseUrl: string) {
  const samples: number[] = [];
  for (let i = 0; i < QUERIES; i++) {
    const started = performance.now();
    const res = await fetch(`${baseUrl}${urls()}`, {
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
    if (!res.ok) throw new Error(`${label}: ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  return {
    label,
    p50: percentile(samples, 50),
    p95: percentile(samples, 95),
  };
}

function versionBody(i: number) {
  return {
    source: {
      runId: `run-${i}`,
      commit: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
    },
    artifact: { uri: `s3://bench/models/${i}.onnx`, format: 'onnx' },
    parameters: { lr: 0.01, depth: 8 },
    metrics: Array.from({ length: 20 }, (_, m) => ({
      key: `metric_${m}`,
      value: Math.random(),
    })),
    tags: Array.from({ length: 10 }, (_, t) => `tag-${t}`),
  };
}

/** The registering clients: plain JS, run in a worker thread. */
const CLIENT_SCRIPT = `
const { parentPort, workerData } = require('node:worker_threads');
const { baseUrl, token, models, clients, versions, batch } = workerData;
const headers = { Authorization: 'Bearer ' + token, 'Content-Type': 'application/json' };
const version = i => ({
  source: { runId: 'run-' + i, commit: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678' },
  artifact: { uri: 's3://bench/models/' + i + '.onnx', format: 'onnx' },
  parameters: { lr: 0.01, depth: 8 },
  metrics: Array.from({ length: 20 }, (_, m) => ({ key: 'metric_' + m, value: Math.random() })),
  tags: Array.from({ length: 10 }, (_, t) => 'tag-' + t),
});
let next = 0;
Promise.all(Array.from({ length: clients }, async (_, client) => {
  const model = models[client % models.length];
  while (next < versions) {
    let res;
    if (batch) {
      const items = [];
      while (items.length < batch && next < versions) items.push({ model, version: version(next++) });
      res = await fetch(baseUrl + '/versions', { method: 'POST', headers, body: JSON.stringify({ items }) });
    } else {
      const i = next++;
      res = await fetch(baseUrl + '/models/' + model + '/versions', { method: 'POST', headers, body: JSON.stringify(version(i)) });
    }
    if (res.status !== 201) throw new Error('register: ' + res.status + ' ' + (await res.text()));
    await res.arrayBuffer();
  }
})).then(() => parentPort.postMessage('done'), e => { throw e; });
`;

/**
 * Versions per second registered by CLIENTS concurrent clients, into one
 * shared model (all contend for its version counter) or one model each;
 * with `batch`, that many versions per request to `POST /versions`.
 */
async function registerThroughput(
  baseUrl: string,
  sharedModel: boolean,
  batch = 0,
) {
  const prefix = `throughput-${Date.now()}`;
  const headers = {
    Authorization: `Bearer ${TOKEN}`,
    'Content-Type': 'application/json',
  };
  const models = Array.from(
    { length: sharedModel ? 1 : CLIENTS },
    (_, i) => `${prefix}-${i}`,
  );
  for (const name of models) {
    await fetch(`${baseUrl}/models`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ name, owner: 'group:default/bench' }),
    });
  }
  // The clients run on their own thread, as remote clients would, so that
  // they do not compete with the backend for its event loop.
  const started = performance.now();
  const elu = performance.eventLoopUtilization();
  const cpu = process.cpuUsage();
  await new Promise<void>((resolve, reject) => {
    const worker = new Worker(CLIENT_SCRIPT, {
      eval: true,
      workerData: {
        baseUrl,
        token: TOKEN,
        models,
        clients: CLIENTS,
        versions: VERSIONS,
        batch,
      },
    });
    worker.once('message', () => resolve());
    worker.once('error', reject);
  });
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  // How busy the backend's event loop was, and this process's CPU (backend
  // and client threads) per registration: where the time goes.
  console.log(
    `  (${sharedModel ? 'one model' : 'a model each'}${
      batch ? `, batches of ${batch}` : ''
    }: backend event loop ${(
      performance.eventLoopUtilization(elu).utilization * 100
    ).toFixed(0)} % busy, ${(
      (used.user + used.system) /
      1000 /
      VERSIONS
    ).toFixed(2)} ms CPU of this process per version)`,
  );
  return VERSIONS / seconds;
}

/** The same rows as a registration, written with knex, one transaction per version. */
async function knexThroughput(knex: Knex) {
  const modelId = randomUUID();
  const now = new Date();
  await knex('models').insert({
    id: modelId,
    name: `knex-${Date.now()}`,
    owner: 'group:default/bench',
    description: '',
    links: '{}',
    created_at: now,
    created_by: 'bench',
    updated_at: now,
    updated_by: 'bench',
  });
  let next = 0;
  const started = performance.now();
  const cpu = process.cpuUsage();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (next < VERSIONS) {
        const i = next++;
        const body = versionBody(i);
        const id = randomUUID();
        await knex.transaction(async tx => {
          const createdAt = new Date();
          await tx('model_versions').insert({
            id,
            model_id: modelId,
            version: i + 1,
            status: 'READY',
            description: '',
            source_run_id: body.source.runId,
            source_commit: body.source.commit,
            artifact_uri: body.artifact.uri,
            artifact_format: body.artifact.format,
            parameters: JSON.stringify(body.parameters),
            model_card: '{}',
            annotations: '{}',
            created_at: createdAt,
            created_by: 'bench',
            updated_at: createdAt,
            updated_by: 'bench',
          });
          await tx('version_metrics').insert(
            body.metrics.map(m => ({
              version_id: id,
              key: m.key,
              value: m.value,
              dataset: '',
              step: 0,
              created_at: createdAt,
            })),
          );
          await tx('version_tags').insert(
            body.tags.map(tag => ({ version_id: id, tag })),
          );
        });
      }
    }),
  );
  const used = process.cpuUsage(cpu);
  console.log(
    `  (knex: ${((used.user + used.system) / 1000 / VERSIONS).toFixed(
      2,
    )} ms CPU of this process per version)`,
  );
  return VERSIONS / ((performance.now() - started) / 1000);
}

/**
 * Prints the query plan of the first SQL statement `run` issues through the
 * registry's own stores, so the README can show which index serves what.
 */
async function explain(knex: Knex, label: string, run: () => Promise<unknown>) {
  let captured: { sql: string; bindings: readonly unknown[] } | undefined;
  const listener = (q: { sql: string; bindings: readonly unknown[] }) => {
    captured ??= q;
  };
  knex.on('query', listener);
  try {
    await run();
  } finally {
    knex.removeListener('query', listener);
  }
  if (!captured) return;
  const prefix =
    DB === 'postgres' ? 'explain (analyze, costs off)' : 'explain query plan';
  // The captured SQL is in the driver's placeholder style; knex.raw wants `?`.
  const result = await knex.raw(
    `${prefix} ${captured.sql.replace(/\$\d+/g, '?')}`,
    captured.bindings as any,
  );
  const lines: string[] =
    DB === 'postgres'
      ? result.rows.map((r: Record<string, string>) => r['QUERY PLAN'])
      : result.map((r: { detail: string }) => r.detail);
  console.log(
    `\n  ${label}\n    ${captured.sql}\n${lines
      .map(l => `    | ${l}`)
      .join('\n')}`,
  );
}

/** Writes `mb` MiB of random bytes to a file, outside any measurement. */
async function makeArtifactFile(path: string, mb: number) {
  const chunk = Buffer.alloc(1024 * 1024);
  const out = createWriteStream(path);
  for (let i = 0; i < mb; i++) {
    for (let j = 0; j < chunk.length; j += 4)
      chunk.writeUInt32LE((Math.random() * 2 ** 32) >>> 0, j);
    if (!out.write(chunk)) await new Promise(r => out.once('drain', r));
  }
  await new Promise<void>((resolve, reject) =>
    out.end((e?: Error) => (e ? reject(e) : resolve())),
  );
}

/** Peak RSS growth of this process while `fn` runs, sampled every 50 ms. */
async function withPeakRss<T>(
  fn: () => Promise<T>,
): Promise<{ result: T; peakGrowthMiB: number }> {
  global.gc?.();
  const baseline = process.memoryUsage.rss();
  let peak = baseline;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 50);
  try {
    const result = await fn();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { result, peakGrowthMiB: (peak - baseline) / 1024 / 1024 };
  } finally {
    clearInterval(timer);
  }
}

/**
 * A 1 GiB upload through the HTTP API (curl as the client), against writing
 * the same bytes straight to disk in this process: both end with the data
 * synced to disk, as the filesystem store does before it answers. The two
 * alternate UPLOAD_RUNS times, each pair with the load average at its start,
 * so that a figure and its baseline see the same machine.
 */
async function uploadThroughput(baseUrl: string) {
  const dir = await fs.mkdtemp(join(tmpdir(), 'mlreg-bench-upload-'));
  const source = join(dir, 'artifact.bin');
  try {
    await makeArtifactFile(source, UPLOAD_MB);
    const bytes = UPLOAD_MB * 1024 * 1024;
    const model = `upload-${Date.now()}`;
    const headers = {
      Authorization: `Bearer ${TOKEN}`,
      'Content-Type': 'application/json',
    };
    await fetch(`${baseUrl}/models`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ name: model, owner: 'group:default/bench' }),
    });
    const runs: Array<{
      load: number[];
      plain: number;
      api: number;
      peakGrowthMiB: number;
      cpuPerGiB: number;
      gcPerGiB: number;
    }> = [];
    for (let run = 1; run <= UPLOAD_RUNS; run++) {
      const load = loadavg();
      const plainStart = performance.now();
      await pipeline(
        createReadStream(source),
        createWriteStream(join(dir, 'copy.bin'), { flush: true }),
      );
      const plain =
        bytes / 1024 / 1024 / ((performance.now() - plainStart) / 1000);
      await fs.rm(join(dir, 'copy.bin'));

      const registered = await fetch(`${baseUrl}/models/${model}/versions`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ artifactFormat: 'bin' }),
      });
      const { version } = await registered.json();
      let gcMs = 0;
      const gcObserver = new PerformanceObserver(list => {
        for (const entry of list.getEntries()) gcMs += entry.duration;
      });
      gcObserver.observe({ entryTypes: ['gc'] });
      const cpuBefore = process.cpuUsage();
      const { result: seconds, peakGrowthMiB } = await withPeakRss(async () => {
        const started = performance.now();
        const { stdout } = await promisify(execFile)(
          'curl',
          [
            '-sS',
            '--fail-with-body',
            '-X',
            'PUT',
            '-T',
            source,
            '-H',
            `Authorization: Bearer ${TOKEN}`,
            '-H',
            'Content-Type: application/octet-stream',
            `${baseUrl}/models/${model}/versions/${version}/artifact`,
          ],
          { maxBuffer: 10 * 1024 * 1024 },
        );
        const answer = JSON.parse(stdout);
        if (answer.status !== 'READY' || answer.artifact.size !== bytes) {
          throw new Error(`upload failed: ${stdout}`);
        }
        return (performance.now() - started) / 1000;
      });
      const cpu = process.cpuUsage(cpuBefore);
      gcObserver.disconnect();
      runs.push({
        load,
        plain,
        api: bytes / 1024 / 1024 / seconds,
        peakGrowthMiB,
        // The backend's CPU (user + system) and GC pauses per GiB uploaded.
        cpuPerGiB: (cpu.user + cpu.system) / 1e6 / (bytes / 1024 ** 3),
        gcPerGiB: gcMs / 1000 / (bytes / 1024 ** 3),
      });
    }
    return runs;
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** Prints the upload figures, one line per run and the median ratio. */
async function printUploadFigures(baseUrl: string) {
  console.log(
    `\nArtifact upload through the API: ${UPLOAD_MB} MiB, filesystem store, ${UPLOAD_RUNS} run(s)`,
  );
  const runs = await uploadThroughput(baseUrl);
  for (const [i, run] of runs.entries()) {
    console.log(
      `  run ${i + 1}: write to disk ${run.plain
        .toFixed(0)
        .padStart(4)} MiB/s, PUT .../artifact (curl) ${run.api
        .toFixed(0)
        .padStart(4)} MiB/s = ${((run.api / run.plain) * 100).toFixed(
        0,
      )} %, backend peak RSS growth ${run.peakGrowthMiB.toFixed(
        1,
      )} MiB, backend CPU ${run.cpuPerGiB.toFixed(
        2,
      )} s/GiB (GC ${run.gcPerGiB.toFixed(2)} s/GiB), load ${run.load
        .map(l => l.toFixed(2))
        .join(' ')}`,
    );
  }
  const ratios = runs.map(r => r.api / r.plain).sort((a, b) => a - b);
  const median = ratios[Math.floor(ratios.length / 2)];
  console.log(
    `  median ratio ${(median * 100).toFixed(
      0,
    )} % (target >= 80 %), largest RSS growth ${Math.max(
      ...runs.map(r => r.peakGrowthMiB),
    ).toFixed(1)} MiB (target < 64 MiB)`,
  );
}

/** Bulk-loads the search data set: MODELS models, SEARCH_VERSIONS versions. */
async function seedSearchData(knex: Knex) {
  const owners = Array.from(
    { length: 50 },
    (_, i) => `group:default/team-${i}`,
  );
  const frameworks = [
    'pytorch',
    'xgboost',
    'sklearn',
    'lightgbm',
    'tensorflow',
  ];
  const perModel = Math.max(1, Math.floor(SEARCH_VERSIONS / MODELS));
  const batch = 500;
  const base = Date.UTC(2026, 0, 1);
  for (let start = 0; start < MODELS; start += batch) {
    const models: Record<string, unknown>[] = [];
    const tags: Record<string, unknown>[] = [];
    const versions: Record<string, unknown>[] = [];
    const metrics: Record<string, unknown>[] = [];
    const aliases: Record<string, unknown>[] = [];
    for (let i = start; i < Math.min(MODELS, start + batch); i++) {
      const id = randomUUID();
      const created = new Date(base + i * 1000);
      models.push({
        id,
        name: `model-${String(i).padStart(6, '0')}`,
        owner: owners[i % owners.length],
        description: `Model number ${i}`,
        task: i % 2 ? 'classification' : 'regression',
        framework: frameworks[i % frameworks.length],
        links: '{}',
        last_version: perModel,
        created_at: created,
        created_by: 'bench',
        updated_at: created,
        updated_by: 'bench',
      });
      tags.push({ model_id: id, tag: `domain-${i % 20}` });
      for (let v = 1; v <= perModel; v++) {
        const versionId = randomUUID();
        versions.push({
          id: versionId,
          model_id: id,
          version: v,
          status: v === perModel && i % 10 === 0 ? 'PENDING' : 'READY',
          description: '',
          parameters: '{}',
          model_card: '{}',
          annotations: '{}',
          created_at: new Date(created.getTime() + v),
          created_by: 'bench',
          updated_at: new Date(created.getTime() + v),
          updated_by: 'bench',
        });
        metrics.push({
          version_id: versionId,
          key: 'accuracy',
          value: ((i * 7 + v * 13) % 1000) / 1000,
          dataset: '',
          step: 0,
          created_at: new Date(created.getTime() + v),
        });
        if (v === 1) {
          aliases.push({
            model_id: id,
            alias: 'champion',
            version_id: versionId,
            updated_at: created,
            updated_by: 'bench',
          });
        }
      }
    }
    await knex.transaction(async tx => {
      await tx.batchInsert('models', models, 250);
      await tx.batchInsert('model_tags', tags, 500);
      await tx.batchInsert('model_versions', versions, 250);
      await tx.batchInsert('version_metrics', metrics, 500);
      await tx.batchInsert('model_aliases', aliases, 500);
    });
    if (start % 10_000 === 0)
      process.stdout.write(`\r  seeded ${start + batch} / ${MODELS} models`);
  }
  process.stdout.write('\n');
  if (DB === 'postgres') await knex.raw('analyze');
}

/**
 * Bulk-loads the search data set, then prints the latency of the searches
 * and lookups through the HTTP API and the query plans of the same queries.
 */
async function printSearchFigures(knex: Knex, baseUrl: string) {
  console.log(
    `\nSearch data set: ${MODELS} models, ${SEARCH_VERSIONS} versions`,
  );
  const seedStart = performance.now();
  await seedSearchData(knex);
  console.log(
    `  seeded in ${((performance.now() - seedStart) / 1000).toFixed(0)} s`,
  );
  const rand = (n: number) => Math.floor(Math.random() * n);
  const name = () => `model-${String(rand(MODELS)).padStart(6, '0')}`;
  const results = [
    await latency(
      'models: tag + owner, sorted by updatedAt desc, page of 50',
      () =>
        `/models?tag=domain-${rand(20)}&owner=group:default/team-${rand(
          50,
        )}&sort=updatedAt&order=desc&limit=50`,
      baseUrl,
    ),
    await latency(
      'models: framework + task, by name, page of 50',
      () => `/models?framework=xgboost&task=classification&limit=50`,
      baseUrl,
    ),
    await latency(
      'models: name prefix, page of 50',
      () => `/models?prefix=model-0${rand(9)}&limit=50`,
      baseUrl,
    ),
    await latency(
      'models: with alias champion, page of 50',
      () => `/models?alias=champion&sort=createdAt&order=desc&limit=50`,
      baseUrl,
    ),
    await latency(
      'versions: accuracy >= 0.9, READY, newest first, page of 50',
      () => `/versions?metric=accuracy%3E%3D0.9&status=READY&limit=50`,
      baseUrl,
    ),
    await latency(
      'versions: accuracy >= 0.99, READY, newest first, page of 50',
      () => `/versions?metric=accuracy%3E%3D0.99&status=READY&limit=50`,
      baseUrl,
    ),
    await latency(
      'versions: 0.5 <= accuracy < 0.6, newest first, page of 50',
      () => `/versions?metric=accuracy%3E%3D0.5&metric=accuracy%3C0.6&limit=50`,
      baseUrl,
    ),
    await latency('get model by name', () => `/models/${name()}`, baseUrl),
    await latency(
      'get version by alias',
      () => `/models/${name()}/aliases/champion`,
      baseUrl,
    ),
  ];
  for (const r of results) {
    const target = r.label.startsWith('get') ? 10 : 50;
    console.log(
      `  ${r.label.padEnd(62)} p50 ${r.p50
        .toFixed(1)
        .padStart(6)} ms  p95 ${r.p95
        .toFixed(1)
        .padStart(6)} ms  (target p95 < ${target} ms)`,
    );
  }

  console.log("\nQuery plans of the registry's own queries");
  const models = new DatabaseModelStore(knex);
  const versions = new DatabaseVersionStore(knex);
  await explain(knex, 'models: tag + owner, sorted by updatedAt desc', () =>
    models.list({
      tag: 'domain-3',
      owner: 'group:default/team-7',
      sort: 'updatedAt',
      order: 'desc',
      limit: 51,
    }),
  );
  await explain(knex, 'models: name prefix', () =>
    models.list({
      namePrefix: 'model-04',
      sort: 'name',
      order: 'asc',
      limit: 51,
    }),
  );
  await explain(knex, 'versions: accuracy >= 0.9, READY, newest first', () =>
    versions.list({
      status: 'READY',
      metrics: [{ key: 'accuracy', op: '>=', value: 0.9 }],
      order: 'desc',
      limit: 51,
    }),
  );
  await explain(knex, 'versions: accuracy >= 0.99, READY, newest first', () =>
    versions.list({
      status: 'READY',
      metrics: [{ key: 'accuracy', op: '>=', value: 0.99 }],
      order: 'desc',
      limit: 51,
    }),
  );
  await explain(knex, 'versions: 0.5 <= accuracy < 0.6, newest first', () =>
    versions.list({
      metrics: [
        { key: 'accuracy', op: '>=', value: 0.5 },
        { key: 'accuracy', op: '<', value: 0.6 },
      ],
      order: 'desc',
      limit: 51,
    }),
  );
  await explain(
    knex,
    'versions: accuracy >= 0.9, READY, owned by one team (permission filter)',
    () =>
      versions.list({
        status: 'READY',
        metrics: [{ key: 'accuracy', op: '>=', value: 0.9 }],
        order: 'desc',
        limit: 51,
        filter: { property: 'owner', values: ['group:default/team-7'] },
      }),
  );
  const one = await knex('models').where({ name: 'model-004242' }).first('id');
  await explain(
    knex,
    'versions of one model: accuracy >= 0.9, newest first',
    () =>
      versions.list({
        modelId: one.id,
        metrics: [{ key: 'accuracy', op: '>=', value: 0.9 }],
        order: 'desc',
        limit: 51,
      }),
  );
  await explain(knex, 'get model by name', () => models.getRef('model-004242'));
  await explain(knex, 'get version by alias', () =>
    versions.getByAlias('model-004242', 'champion'),
  );
}

async function main() {
  // The request log of thousands of requests would drown the figures.
  process.env.LOG_LEVEL ??= 'warn';
  const workDir = await fs.mkdtemp(join(tmpdir(), 'mlreg-bench-'));
  const { backendConfig, registryConnection, cleanup } =
    await createBenchDatabase(workDir);
  const port = await freePort();
  const backend = await startBackend(backendConfig, port);
  const baseUrl = `http://127.0.0.1:${port}/api/model-registry`;
  const knex = knexFactory(registryConnection);
  try {
    console.log(`Registry benchmark on ${DB}`);
    if (process.env.BENCH_ONLY === 'upload') {
      await printUploadFigures(baseUrl);
      return;
    }
    if (process.env.BENCH_ONLY === 'search') {
      await printSearchFigures(knex, baseUrl);
      return;
    }
    console.log(
      `\nRegistration: ${VERSIONS} versions, ${CLIENTS} concurrent clients, 20 metrics and 10 tags each`,
    );
    const direct = await knexThroughput(knex);
    const many = await registerThroughput(baseUrl, false);
    const one = await registerThroughput(baseUrl, true);
    const batched = await registerThroughput(baseUrl, false, 50);
    const ratio = (api: number) => ((api / direct) * 100).toFixed(0);
    console.log(
      `  knex, same rows, a transaction each  ${direct
        .toFixed(0)
        .padStart(6)} versions/s`,
    );
    console.log(
      `  HTTP API, a model per client         ${many
        .toFixed(0)
        .padStart(6)} versions/s = ${ratio(many)} % of knex (target >= 50 %)`,
    );
    console.log(
      `  HTTP API, all clients on one model   ${one
        .toFixed(0)
        .padStart(6)} versions/s = ${ratio(one)} % of knex`,
    );
    console.log(
      `  HTTP API, batches of 50 (POST /versions) ${batched
        .toFixed(0)
        .padStart(2)} versions/s = ${ratio(batched)} % of knex`,
    );
    console.log(
      `  load average at the end              ${loadavg()
        .map(l => l.toFixed(2))
        .join(' ')}`,
    );
    if (process.env.BENCH_ONLY === 'registration') return;

    await printUploadFigures(baseUrl);

    await printSearchFigures(knex, baseUrl);
  } finally {
    await knex.destroy();
    await backend.stop();
    await cleanup();
    await fs.rm(workDir, { recursive: true, force: true });
  }
}

runBenchmark(main);
