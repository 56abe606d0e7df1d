/*
 * Memory benchmark: the backend's RSS while clients hammer the answers that
 * hold many or large versions. It starts the real backend (createBackend,
 * the plugin, static-token auth) on the chosen database, registers a model's
 * versions through the API with parameters and annotations at their caps
 * (262,144 and 65,536 characters of JSON) and a metric at 100 steps, then
 * runs concurrent clients against lineage, metric trend, compare, audit,
 * and the version lists (of the model and across models, 200 a page) while
 * it samples the backend's RSS every 50 ms. The backend runs in a child
 * process (this script again, BENCH_MEMORY_ROLE=backend) and its RSS is
 * read from /proc, so the clients' memory is not in the figure; the
 * kernel's high-water mark (VmHWM) is printed too. Exits non-zero when
 * either reaches 512 MiB.
 *
 *   yarn workspace @mlreg/plugin-model-registry-backend bench:memory
 *
 * BENCH_DB              sqlite (default) or postgres (see bench/support.ts)
 * BENCH_MEMORY_VERSIONS versions registered (default 300)
 * BENCH_MEMORY_CLIENTS  concurrent clients (default 8)
 * BENCH_MEMORY_SECONDS  how long they run (default 30)
 */
import eventsPlugin from '@backstage/plugin-events-backend';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { modelRegistryPlugin } from '../src/plugin';
import {
  createBenchBackend,
  createBenchDatabase,
  freePort,
  runBenchmark,
} from './support';

const DB = process.env.BENCH_DB ?? 'sqlite';
const VERSIONS = Number(process.env.BENCH_MEMORY_VERSIONS ?? 300);
const CLIENTS = Number(process.env.BENCH_MEMORY_CLIENTS ?? 8);
const SECONDS = Number(process.env.BENCH_MEMORY_SECONDS ?? 30);
const LIMIT_MIB = 512;
const TOKEN = `bench-${randomUUID()}`;
const MODEL = 'memory-hog';

const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

/** A version body at the caps: 60 parameters and 15 annotations of 4,000 characters. */
function versionBody(i: number) {
  const text = (seed: string) => seed.padEnd(4000, 'x');
  return {
    description: `version ${i}`,
    source: { runId: `run-${i}`, commit: 'a1b2c3d4e5f6' },
    artifact: { uri: `https://models.example/${i}.onnx` },
    parameters: Object.fromEntries(
      Array.from({ length: 60 }, (_, p) => [`param_${p}`, text(`${i}-${p}`)]),
    ),
    annotations: Object.fromEntries(
      Array.from({ length: 15 }, (_, a) => [`note-${a}`, text(`${i}-${a}`)]),
    ),
    metrics: [
      { key: 'auc', value: Math.random() },
      ...Array.from({ length: 100 }, (_, step) => ({
        key: 'loss',
        value: 1 / (step + 1),
        step: step + 1,
      })),
    ],
    datasets: [
      { role: 'training', entityRef: 'resource:default/card-transactions' },
    ],
    tags: ['bench'],
  };
}

async function call(
  baseUrl: string,
  path: string,
  init: RequestInit = {},
): Promise<{ status: number; bytes: number }> {
  const res = await fetch(`${baseUrl}${path}`, {
    ...init,
    headers: {
      authorization: `Bearer ${TOKEN}`,
      'content-type': 'application/json',
      ...init.headers,
    },
  });
  let bytes = 0;
  // Read the answer as it comes and keep none of it.
  for await (const chunk of res.body ?? []) bytes += chunk.length;
  return { status: res.status, bytes };
}

async function fill(baseUrl: string) {
  const created = await call(baseUrl, '/models', {
    method: 'POST',
    body: JSON.stringify({ name: MODEL, owner: 'group:default/bench' }),
  });
  if (created.status !== 201) throw new Error(`create: ${created.status}`);
  let next = 1;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next <= VERSIONS) {
        const i = next++;
        const res = await call(baseUrl, `/models/${MODEL}/versions`, {
          method: 'POST',
          body: JSON.stringify(versionBody(i)),
        });
        if (res.status !== 201) throw new Error(`register ${i}: ${res.status}`);
      }
    }),
  );
  console.log(
    `  registered ${VERSIONS} versions at the caps in ${(
      (Date.now() - started) /
      1000
    ).toFixed(1)} s`,
  );
}

/** What the hostile clients ask for, over and over. */
function hostileRequests(): Array<[string, () => string]> {
  const some = () =>
    Array.from({ length: 10 }, () => 1 + Math.floor(Math.random() * VERSIONS))
      .filter((v, i, all) => all.indexOf(v) === i)
      .join(',');
  return [
    ['lineage', () => `/models/${MODEL}/lineage`],
    ['trend', () => `/models/${MODEL}/metrics/loss/trend`],
    [
      'compare',
      () => {
        let versions = some();
        while (!versions.includes(',')) versions = some();
        return `/models/${MODEL}/compare?versions=${versions}`;
      },
    ],
    ['audit', () => `/models/${MODEL}/audit?limit=200`],
    ['versions', () => `/models/${MODEL}/versions?limit=200`],
    ['search', () => `/versions?limit=200&metric=auc>=0`],
  ];
}

/** The backend, in a process of its own so that its RSS is its own. */
async function serveBackend() {
  process.env.LOG_LEVEL ??= 'warn';
  const workDir = await fs.mkdtemp(join(tmpdir(), 'mlreg-bench-memory-'));
  const { backendConfig, cleanup } = await createBenchDatabase(workDir);
  const port = await freePort();
  const backend = await createBenchBackend({
    port,
    database: backendConfig,
    token: process.env.BENCH_MEMORY_TOKEN!,
    workDir,
  });
  backend.add(eventsPlugin);
  // The lineage looks up consumers in the catalog: an empty one here.
  backend.add(catalogServiceMock.factory({ entities: [] }));
  backend.add(modelRegistryPlugin);
  await backend.start();
  process.send!({ port });
  process.on('message', async message => {
    if (message !== 'gc' && message !== 'stop') return;
    if (message === 'gc') {
      global.gc?.();
      process.send!({ gc: true });
      return;
    }
    await backend.stop();
    await cleanup();
    await fs.rm(workDir, { recursive: true, force: true });
    process.exit(0);
  });
}

/** Resident set size of a process, current and high-water mark, from /proc. */
async function rssOf(pid: number) {
  const status = await fs.readFile(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)![1]) * 1024;
  return { rss: kib('VmRSS'), hwm: kib('VmHWM') };
}

async function main() {
  const child = fork(__filename, [], {
    env: {
      ...process.env,
      BENCH_MEMORY_ROLE: 'backend',
      BENCH_MEMORY_TOKEN: TOKEN,
    },
    execArgv: process.execArgv,
  });
  // Only the messages of this script: the backend may send its own.
  const waiting = new Map<string, (m: any) => void>();
  child.on('message', (m: any) => {
    for (const [key, resolve] of waiting) {
      if (m && typeof m === 'object' && key in m) {
        waiting.delete(key);
        resolve(m);
      }
    }
  });
  const next = (key: string) =>
    new Promise<any>(resolve => waiting.set(key, resolve));
  const { port } = await next('port');
  const baseUrl = `http://127.0.0.1:${port}/api/model-registry`;
  try {
    console.log(`Memory benchmark on ${DB}`);
    const started = await rssOf(child.pid!);
    await fill(baseUrl);
    const collected = next('gc');
    child.send('gc');
    await collected;
    const filled = await rssOf(child.pid!);
    let peak = filled.rss;
    const timer = setInterval(async () => {
      peak = Math.max(peak, (await rssOf(child.pid!)).rss);
    }, 50);
    const load = loadavg()[0];
    const requests = hostileRequests();
    const stats = new Map(
      requests.map(([name]) => [
        name,
        { count: 0, bytes: 0, maxBytes: 0, statuses: new Set<number>() },
      ]),
    );
    const until = Date.now() + SECONDS * 1000;
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, client) => {
        for (let n = client; Date.now() < until; n++) {
          const [name, path] = requests[n % requests.length];
          const res = await call(baseUrl, path());
          const s = stats.get(name)!;
          s.count++;
          s.bytes += res.bytes;
          s.maxBytes = Math.max(s.maxBytes, res.bytes);
          s.statuses.add(res.status);
        }
      }),
    );
    clearInterval(timer);
    const end = await rssOf(child.pid!);
    peak = Math.max(peak, end.rss);
    console.log(
      `\n${CLIENTS} clients for ${SECONDS} s, load average ${load.toFixed(
        1,
      )} at the start, ${loadavg()[0].toFixed(1)} at the end (2 cores: ${
        cpus().length
      })`,
    );
    console.log('  endpoint   requests  largest answer (MiB)  statuses');
    for (const [name, s] of stats) {
      console.log(
        `  ${name.padEnd(10)} ${String(s.count).padStart(8)}  ${mib(
          s.maxBytes,
        ).padStart(20)}  ${[...s.statuses].join(',')}`,
      );
    }
    console.log(
      `\n  backend RSS: ${mib(started.rss)} MiB started, ${mib(
        filled.rss,
      )} MiB filled, peak ${mib(
        peak,
      )} MiB under the clients, high-water mark ${mib(
        end.hwm,
      )} MiB over its life (limit ${LIMIT_MIB} MiB)`,
    );
    const failed = [...stats.values()].some(s =>
      [...s.statuses].some(status => status !== 200),
    );
    if (failed) throw new Error('some requests did not answer 200');
    if (Math.max(peak, end.hwm) >= LIMIT_MIB * 1024 * 1024) {
      throw new Error(`backend RSS reaches ${LIMIT_MIB} MiB`);
    }
  } finally {
    child.send('stop');
    await new Promise(resolve => child.once('exit', resolve));
  }
}

if (process.env.BENCH_MEMORY_ROLE === 'backend') {
  serveBackend().catch(error => {
    console.error(error);
    process.exit(1);
  });
} else {
  runBenchmark(main);
}
