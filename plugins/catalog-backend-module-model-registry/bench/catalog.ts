/*
 * Catalog benchmark: how long the entity provider takes to publish a large
 * registry into the real catalog, compared with the catalog ingesting the same
 * entities from a plain catalog file, and how soon a model registered through
 * the API appears in the catalog.
 *
 *   yarn workspace @mlreg/plugin-catalog-backend-module-model-registry bench:catalog
 *
 * Two measurements, each in a fresh process on a fresh database of the same
 * kind, with the same backend features and the same catalog settings:
 *
 *   file      the baseline: the same BENCH_MODELS `Model` entities written to a
 *             YAML file, registered as a `file` location in catalog.locations
 *   provider  the registry's models published by ModelRegistryEntityProvider
 *             (its full reconciliation), then the delta latency
 *
 * Both are timed from the end of backend.start() to all entities returned by
 * the same catalog query (`kind=model`, `totalItems`).
 *
 * BENCH_DB                   sqlite (default) or postgres (BENCH_PG_URL as in bench:registry)
 * BENCH_MODELS               models to ingest (default 10000)
 * BENCH_DELTAS               models registered one by one for the delta latency (default 20)
 * BENCH_PHASES               which measurements, in order (default file,provider)
 * BENCH_PROCESSING_INTERVAL  catalog.processingInterval in seconds for both
 *                            measurements (default: unset, the catalog's 100-150 s)
 */
import catalogPlugin from '@backstage/plugin-catalog-backend';
import eventsPlugin from '@backstage/plugin-events-backend';
import {
  createBackendModule,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import knexFactory, { Knex } from 'knex';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import modelRegistryPlugin from '@mlreg/plugin-model-registry-backend';
import { Model } from '@mlreg/plugin-model-registry-common';
// The registry's benchmarks share these helpers; benchmarks are not published.
// eslint-disable-next-line @backstage/no-relative-monorepo-imports
import {
  createBenchBackend,
  createBenchDatabase,
  freePort,
  runBenchmark,
} from '../../model-registry-backend/bench/support';
import catalogModuleModelRegistry, { ModelEntitiesProcessor } from '../src';
import { modelEntity } from '../src/ModelRegistryEntityProvider';

const DB = process.env.BENCH_DB ?? 'sqlite';
const MODELS = Number(process.env.BENCH_MODELS ?? 10_000);
const DELTAS = Number(process.env.BENCH_DELTAS ?? 20);
const PHASES = (process.env.BENCH_PHASES ?? 'file,provider').split(',');
const PROCESSING_INTERVAL = process.env.BENCH_PROCESSING_INTERVAL;
const TOKEN = `bench-${randomUUID()}`;
const RESULT = 'BENCH_RESULT ';

type Phase = 'file' | 'provider';

interface PhaseResult {
  phase: Phase;
  startup: number;
  handedOver: number;
  queryable: number;
  deltas?: { p50: number; p95: number; max: number };
}

const TASKS = ['classification', 'regression', 'ranking', 'forecasting', 'llm'];

/** The i-th benchmark model, as the registry stores it and returns it. */
function benchModel(i: number) {
  return {
    name: `bench-model-${String(i).padStart(5, '0')}`,
    owner: `group:default/team-${i % 20}`,
    description: `Benchmark model ${i}`,
    task: TASKS[i % 5],
    framework: 'pytorch',
  };
}

/** Writes MODELS models straight into the registry's tables. */
async function seedRegistry(registry: Knex) {
  await registry.migrate.latest({
    directory: resolvePackagePath(
      '@mlreg/plugin-model-registry-backend',
      'migrations',
    ),
  });
  const now = new Date();
  const rows = Array.from({ length: MODELS }, (_, i) => ({
    id: randomUUID(),
    ...benchModel(i),
    links: '{}',
    last_version: 0,
    created_at: now,
    created_by: 'bench',
    updated_at: now,
    updated_by: 'bench',
  }));
  await registry.batchInsert('models', rows, 250);
}

/**
 * The baseline's catalog file: the entities the provider publishes for the
 * same models, minus the location annotations the catalog sets itself. YAML
 * documents of JSON-quoted scalars, one per entity.
 */
async function writeCatalogFile(file: string) {
  const q = (s: string) => JSON.stringify(s);
  const docs: string[] = [];
  for (let i = 0; i < MODELS; i++) {
    const m = benchModel(i);
    const entity = modelEntity(
      {
        ...m,
        tags: [],
        links: {},
        aliases: {},
        archived: false,
      } as unknown as Model,
      'unused',
    );
    const annotations = Object.entries(entity.metadata.annotations ?? {})
      .filter(([key]) => !key.startsWith('backstage.io/managed-by'))
      .map(([key, value]) => `    ${q(key)}: ${q(value)}`);
    docs.push(
      [
        `apiVersion: ${q(entity.apiVersion)}`,
        `kind: ${q(entity.kind)}`,
        'metadata:',
        `  name: ${q(entity.metadata.name)}`,
        `  namespace: ${q(entity.metadata.namespace!)}`,
        `  description: ${q(entity.metadata.description!)}`,
        '  tags: []',
        '  links: []',
        '  annotations:',
        ...annotations,
        'spec:',
        ...Object.entries(entity.spec).map(
          ([key, value]) => `  ${key}: ${q(String(value))}`,
        ),
      ].join('\n'),
    );
  }
  await fs.writeFile(file, `${docs.join('\n---\n')}\n`);
}

/** The `Model` kind without the provider, for the baseline. */
const modelKindOnly = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'bench-model-kind',
  register(reg) {
    reg.registerInit({
      deps: { processing: catalogProcessingExtensionPoint },
      async init({ processing }) {
        processing.addProcessor(new ModelEntitiesProcessor());
      },
    });
  },
});

/** One measurement, in this process: prints its result as a RESULT line. */
async function runPhase(phase: Phase) {
  process.env.LOG_LEVEL ??= 'warn';
  const workDir = await fs.mkdtemp(join(tmpdir(), 'mlreg-catalog-bench-'));
  const { backendConfig, registryConnection, cleanup } =
    await createBenchDatabase(workDir);
  if (DB === 'sqlite') {
    await fs.mkdir(join(workDir, 'sqlite'), { recursive: true });
  } else {
    const admin = knexFactory(registryConnection);
    await admin.raw('create schema if not exists "model-registry"');
    await admin.destroy();
  }
  // The registry holds the models in both measurements, so both backends do
  // the same work apart from how the entities reach the catalog.
  const registry = knexFactory(registryConnection);
  await seedRegistry(registry);
  await registry.destroy();
  const catalogFile = join(workDir, 'models.yaml');
  if (phase === 'file') await writeCatalogFile(catalogFile);

  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}/api`;
  const backend = await createBenchBackend({
    port,
    database: backendConfig,
    token: TOKEN,
    workDir,
    extraConfig: {
      catalog: {
        rules: [{ allow: ['Model', 'Location'] }],
        ...(PROCESSING_INTERVAL
          ? { processingInterval: { seconds: Number(PROCESSING_INTERVAL) } }
          : {}),
        ...(phase === 'file'
          ? { locations: [{ type: 'file', target: catalogFile }] }
          : {
              providers: {
                modelRegistry: {
                  schedule: {
                    frequency: { minutes: 30 },
                    timeout: { minutes: 10 },
                    initialDelay: { seconds: 1 },
                  },
                },
              },
            }),
      },
    },
  });
  backend.add(catalogPlugin);
  backend.add(eventsPlugin);
  backend.add(modelRegistryPlugin);
  backend.add(phase === 'file' ? modelKindOnly : catalogModuleModelRegistry);
  const headers = {
    Authorization: `Bearer ${TOKEN}`,
    'Content-Type': 'application/json',
  };
  const countModels = async () => {
    const res = await fetch(
      `${baseUrl}/catalog/entities/by-query?filter=kind=model&limit=1`,
      { headers },
    );
    return res.ok
      ? ((await res.json()) as { totalItems: number }).totalItems
      : 0;
  };

  try {
    const started = performance.now();
    await backend.start();
    const up = performance.now();
    // The catalog's own table of entities to process: filled once the
    // provider has handed its mutation over, or the file location has been
    // read, before the catalog processes any of the models.
    const catalogDb = knexFactory(
      DB === 'sqlite'
        ? {
            client: 'better-sqlite3',
            connection: { filename: join(workDir, 'sqlite', 'catalog.sqlite') },
            useNullAsDefault: true,
          }
        : {
            client: 'pg',
            connection: (backendConfig as { connection: string }).connection,
            searchPath: ['catalog'],
          },
    );
    let handedOver: number | undefined;
    let count = 0;
    while (count < MODELS) {
      await new Promise(r => setTimeout(r, 500));
      if (handedOver === undefined) {
        const [{ n }] = await catalogDb('refresh_state')
          .where('entity_ref', 'like', 'model:%')
          .count({ n: '*' })
          .catch(() => [{ n: 0 }]);
        if (Number(n) >= MODELS) handedOver = performance.now();
      }
      count = await countModels();
      if (performance.now() - up > 900_000) {
        throw new Error(`only ${count} queryable after 900 s`);
      }
    }
    await catalogDb.destroy();
    const queryable = performance.now();
    const result: PhaseResult = {
      phase,
      startup: (up - started) / 1000,
      handedOver: ((handedOver ?? queryable) - up) / 1000,
      queryable: (queryable - up) / 1000,
    };
    if (phase === 'provider' && DELTAS > 0) {
      result.deltas = await measureDeltas(baseUrl, headers);
    }
    console.log(`${RESULT}${JSON.stringify(result)}`);
  } finally {
    await backend.stop();
    await cleanup();
    await fs.rm(workDir, { recursive: true, force: true });
  }
}

/** Registers DELTAS models one by one; the delay until each is in the catalog. */
async function measureDeltas(baseUrl: string, headers: Record<string, string>) {
  const latencies: number[] = [];
  for (let i = 0; i < DELTAS; i++) {
    const name = `delta-model-${i}`;
    const t0 = performance.now();
    const res = await fetch(`${baseUrl}/model-registry/models`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        name,
        owner: 'group:default/bench',
        task: 'classification',
      }),
    });
    if (res.status !== 201) throw new Error(`create: ${res.status}`);
    for (;;) {
      const found = await fetch(
        `${baseUrl}/catalog/entities/by-name/model/default/${name}`,
        { headers },
      );
      if (found.ok) break;
      if (performance.now() - t0 > 60_000)
        throw new Error(`${name} never appeared`);
      await new Promise(r => setTimeout(r, 100));
    }
    latencies.push((performance.now() - t0) / 1000);
  }
  latencies.sort((a, b) => a - b);
  const pct = (p: number) =>
    latencies[
      Math.min(
        latencies.length - 1,
        Math.ceil((p / 100) * latencies.length) - 1,
      )
    ];
  return { p50: pct(50), p95: pct(95), max: latencies[latencies.length - 1] };
}

/** Runs a measurement in a child process of its own; its result. */
async function runChild(phase: Phase): Promise<PhaseResult> {
  const child = spawn(
    process.execPath,
    [...process.execArgv, __filename, ...process.argv.slice(2)],
    {
      env: { ...process.env, BENCH_CHILD_PHASE: phase },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    out += chunk;
    for (const line of chunk.split('\n')) {
      if (line && !line.startsWith(RESULT)) process.stdout.write(`${line}\n`);
    }
  });
  const code = await new Promise<number | null>(resolve =>
    child.on('close', resolve),
  );
  const line = out.split('\n').find(l => l.startsWith(RESULT));
  if (code !== 0 || !line) {
    throw new Error(`the ${phase} measurement failed (exit code ${code})`);
  }
  return JSON.parse(line.slice(RESULT.length));
}

const load = () =>
  loadavg()
    .map(l => l.toFixed(2))
    .join(', ');

async function main() {
  const child = process.env.BENCH_CHILD_PHASE as Phase | undefined;
  if (child) {
    await runPhase(child);
    return;
  }
  console.log(
    `Catalog benchmark on ${DB}: ${MODELS} models, catalog.processingInterval ${
      PROCESSING_INTERVAL ? `${PROCESSING_INTERVAL} s` : 'default (100-150 s)'
    } in both measurements`,
  );
  const results: Partial<Record<Phase, PhaseResult>> = {};
  for (const phase of PHASES as Phase[]) {
    const before = load();
    const r = await runChild(phase);
    results[phase] = r;
    const label =
      phase === 'file'
        ? `file location (baseline)`
        : 'provider (full reconciliation)';
    console.log(`${label}  [load before ${before}; after ${load()}]`);
    console.log(
      `  backend started in                    ${r.startup.toFixed(1)} s`,
    );
    console.log(
      `  all ${MODELS} handed to the catalog     ${r.handedOver.toFixed(
        1,
      )} s after startup${
        phase === 'provider' ? ' (1 s initial delay included)' : ''
      }`,
    );
    console.log(
      `  all ${MODELS} queryable                 ${r.queryable.toFixed(
        1,
      )} s after startup`,
    );
    console.log(
      `  catalog processing rate               ${(
        MODELS / Math.max(0.001, r.queryable - r.handedOver)
      ).toFixed(0)} entities/s`,
    );
    if (r.deltas) {
      console.log(
        `  delta, POST to entity returned (${DELTAS} models)  p50 ${r.deltas.p50.toFixed(
          1,
        )} s  p95 ${r.deltas.p95.toFixed(1)} s  max ${r.deltas.max.toFixed(
          1,
        )} s (target p95 < 10 s)`,
      );
    }
  }
  if (results.file && results.provider) {
    const ratio = results.provider.queryable / results.file.queryable;
    console.log(
      `provider / file location: ${results.provider.queryable.toFixed(
        1,
      )} s / ${results.file.queryable.toFixed(1)} s = ${ratio.toFixed(
        2,
      )} (target <= 1.30)`,
    );
  }
}

runBenchmark(main);
