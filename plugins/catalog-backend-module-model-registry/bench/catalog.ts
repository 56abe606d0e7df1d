/*
 * Catalog benchmark: how long the entity provider takes to publish a large
 * registry into the real catalog, and how soon a model registered through the
 * API appears in the catalog.
 *
 *   yarn workspace @mlreg/plugin-catalog-backend-module-model-registry bench:catalog
 *
 * BENCH_DB       sqlite (default) or postgres (BENCH_PG_URL as in bench:registry)
 * BENCH_MODELS   registry models to reconcile (default 10000)
 * BENCH_DELTAS   models registered one by one for the delta latency (default 20)
 */
import catalogPlugin from '@backstage/plugin-catalog-backend';
import eventsPlugin from '@backstage/plugin-events-backend';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import knexFactory, { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import modelRegistryPlugin from '@mlreg/plugin-model-registry-backend';
// The registry's benchmarks share these helpers; benchmarks are not published.
// eslint-disable-next-line @backstage/no-relative-monorepo-imports
import {
  createBenchBackend,
  createBenchDatabase,
  freePort,
  runBenchmark,
} from '../../model-registry-backend/bench/support';
import catalogModuleModelRegistry from '../src';

const DB = process.env.BENCH_DB ?? 'sqlite';
const MODELS = Number(process.env.BENCH_MODELS ?? 10_000);
const DELTAS = Number(process.env.BENCH_DELTAS ?? 20);
const TOKEN = `bench-${randomUUID()}`;

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
    name: `bench-model-${String(i).padStart(5, '0')}`,
    owner: `group:default/team-${i % 20}`,
    description: `Benchmark model ${i}`,
    task: ['classification', 'regression', 'ranking', 'forecasting', 'llm'][
      i % 5
    ],
    framework: 'pytorch',
    links: '{}',
    last_version: 0,
    created_at: now,
    created_by: 'bench',
    updated_at: now,
    updated_by: 'bench',
  }));
  await registry.batchInsert('models', rows, 250);
}

async function main() {
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
  const registry = knexFactory(registryConnection);
  await seedRegistry(registry);
  await registry.destroy();

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
        providers: {
          modelRegistry: {
            schedule: {
              frequency: { minutes: 30 },
              timeout: { minutes: 10 },
              initialDelay: { seconds: 1 },
            },
          },
        },
      },
    },
  });
  backend.add(catalogPlugin);
  backend.add(eventsPlugin);
  backend.add(modelRegistryPlugin);
  backend.add(catalogModuleModelRegistry);
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
    console.log(`Catalog benchmark on ${DB}: ${MODELS} registry models`);
    const started = performance.now();
    await backend.start();
    const up = performance.now();
    // The catalog's own table of provided entities: filled once the provider
    // has handed its mutation over, before the catalog processes anything.
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
    const reconciled = performance.now();
    const seconds = (t: number) => ((t - up) / 1000).toFixed(1);
    console.log(
      `  backend started in                      ${(
        (up - started) /
        1000
      ).toFixed(1)} s`,
    );
    console.log(
      `  provider done, all ${MODELS} handed to the catalog  ${seconds(
        handedOver ?? reconciled,
      )} s after startup (1 s initial delay included)`,
    );
    console.log(
      `  all ${MODELS} queryable through the catalog API     ${seconds(
        reconciled,
      )} s after startup (target < 20 s)`,
    );
    console.log(
      `  catalog processing rate                 ${(
        MODELS /
        ((reconciled - (handedOver ?? up)) / 1000)
      ).toFixed(0)} entities/s`,
    );

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
    console.log(
      `  delta, POST to entity returned (${DELTAS} models)  p50 ${pct(
        50,
      ).toFixed(1)} s  p95 ${pct(95).toFixed(1)} s  max ${latencies[
        latencies.length - 1
      ].toFixed(1)} s (target p95 < 10 s)`,
    );
  } finally {
    await backend.stop();
    await cleanup();
    await fs.rm(workDir, { recursive: true, force: true });
  }
}

runBenchmark(main);
