/*
 * Drift engine benchmark, one core, three figures:
 *
 * 1. A drift report for 20 numeric features, 1,000,000 reference values
 *    against 1,000,000 current values each: KS (statistic and asymptotic
 *    p-value), PSI, Jensen-Shannon and normed Wasserstein-1, exactly, on the
 *    raw values. When python3 with scipy is installed, the same statistics
 *    on the same data (written to a temporary directory as float64) are
 *    timed with scipy.stats.ks_2samp, scipy.stats.wasserstein_distance,
 *    numpy histograms and scipy.spatial.distance.jensenshannon, and the
 *    largest differences between the two results are printed.
 * 2. Profiles of a 1,000,000-row, 20-column CSV file read as a stream:
 *    rows per second and the peak growth of the process's RSS over its
 *    level before the read.
 * 3. Ingestion of pre-binned production batches (JSON text → schema
 *    validation → profiles → merged into a window): values per second.
 *
 *   yarn workspace @mlreg/plugin-model-registry-backend bench:drift
 *
 * BENCH_DRIFT_ROWS  rows per feature and CSV rows (default 1000000)
 */
import { modelRegistrySchemas } from '@mlreg/plugin-model-registry-common';
import { spawnSync } from 'node:child_process';
import { createReadStream, promises as fs } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  mergeProfiles,
  profilesFromBinned,
  schemaOf,
} from '../src/drift/batches';
import { ProfileBuilder } from '../src/drift/dataset';
import { sampleDrift } from '../src/drift/engine';
import { NumericAccumulator } from '../src/drift/profile';
import { profileStream } from '../src/drift/readers';

const ROWS = Number(process.env.BENCH_DRIFT_ROWS ?? 1_000_000);
const FEATURES = 20;

/** Deterministic pseudo-normal values. */
function normals(
  n: number,
  mean: number,
  scale: number,
  seed: number,
): Float64Array {
  let s = seed >>> 0;
  const next = () => {
    // xorshift32
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return (s + 1) / 4294967297;
  };
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    out[i] =
      mean +
      scale * Math.sqrt(-2 * Math.log(next())) * Math.cos(2 * Math.PI * next());
  }
  return out;
}

/**
 * A clock of wall time and of this process's CPU time: on a shared machine
 * the wall time includes waiting for a core, the CPU time does not.
 */
function clock() {
  const wall = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  return () => {
    const used = process.cpuUsage(cpu);
    return {
      wall: Number(process.hrtime.bigint() - wall) / 1e9,
      cpu: (used.user + used.system) / 1e6,
    };
  };
}

type Took = { wall: number; cpu: number };
const show = (t: Took) =>
  `${t.wall.toFixed(2)} s wall, ${t.cpu.toFixed(2)} s CPU`;
const rate = (n: number, t: Took) =>
  `${Math.round(n / t.wall).toLocaleString('en')} (wall) / ${Math.round(
    n / t.cpu,
  ).toLocaleString('en')} (CPU)`;

const SCIPY = `
import sys, time, json, numpy as np
from scipy import stats
from scipy.spatial import distance
d, features = sys.argv[1], int(sys.argv[2])
total = 0.0
cpu = 0.0
out = []
for f in range(features):
    ref = np.fromfile(f'{d}/ref{f}.f64'); cur = np.fromfile(f'{d}/cur{f}.f64')
    edges = np.array(json.load(open(f'{d}/edges{f}.json')))
    t = time.perf_counter(); c = time.process_time()
    ks = stats.ks_2samp(ref, cur)
    w1 = stats.wasserstein_distance(ref, cur) / max(np.std(ref), 0.001)
    bins = np.concatenate(([-np.inf], edges, [np.inf]))
    p = np.histogram(ref, bins)[0] / len(ref); q = np.histogram(cur, bins)[0] / len(cur)
    def fz(x):
        m = x[x > 0].min(); return np.where(x == 0, m / 1e6 if m <= 1e-4 else 1e-4, x)
    pp, qq = fz(p), fz(q)
    psi = float(np.sum((pp - qq) * np.log(pp / qq)))
    js = float(distance.jensenshannon(p, q))
    total += time.perf_counter() - t; cpu += time.process_time() - c
    out.append([float(ks.statistic), float(ks.pvalue), psi, js, float(w1)])
print(json.dumps({"wall": total, "cpu": cpu, "results": out}))
`;

async function reportBench(dir: string) {
  const refs: Float64Array[] = [];
  const curs: Float64Array[] = [];
  const edges: number[][] = [];
  for (let f = 0; f < FEATURES; f++) {
    refs.push(normals(ROWS, f, 1 + f / 10, 2 * f + 1));
    curs.push(normals(ROWS, f + 0.002 * f, 1 + f / 10, 2 * f + 2));
    const acc = new NumericAccumulator(`f${f}`);
    for (const x of refs[f]) acc.add(x);
    edges.push(acc.finish().histogram.binEdges);
  }
  const elapsed = clock();
  const results = refs.map((ref, f) => sampleDrift(ref, curs[f], edges[f]));
  const ours = elapsed();
  console.log(
    `drift report, ${FEATURES} numeric features, ${ROWS} vs ${ROWS} values, KS+PSI+JS+W1: ${show(
      ours,
    )}`,
  );

  const probe = spawnSync('python3', ['-c', 'import scipy, numpy'], {
    stdio: 'ignore',
  });
  if (probe.status !== 0) {
    console.log('  scipy: python3 with scipy not installed, no comparison');
    return;
  }
  for (let f = 0; f < FEATURES; f++) {
    await fs.writeFile(join(dir, `ref${f}.f64`), Buffer.from(refs[f].buffer));
    await fs.writeFile(join(dir, `cur${f}.f64`), Buffer.from(curs[f].buffer));
    await fs.writeFile(join(dir, `edges${f}.json`), JSON.stringify(edges[f]));
  }
  refs.length = 0;
  curs.length = 0;
  const run = spawnSync('python3', ['-c', SCIPY, dir, String(FEATURES)], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  if (run.status !== 0) throw new Error(`scipy run failed: ${run.stderr}`);
  const scipy = JSON.parse(run.stdout) as {
    wall: number;
    cpu: number;
    results: number[][];
  };
  const names = ['KS D', 'KS p', 'PSI', 'JS', 'W1 normed'];
  const diffs = names.map((_, k) =>
    Math.max(
      ...results.map((r, f) => {
        const mine = [
          r.ksStatistic,
          r.ks,
          r.psi,
          r.jensenshannon,
          r.wasserstein,
        ][k];
        return Math.abs(mine - scipy.results[f][k]);
      }),
    ),
  );
  console.log(
    `  scipy on the same data: ${show(scipy)}; ratio scipy/ours ${(
      scipy.wall / ours.wall
    ).toFixed(2)} wall, ${(scipy.cpu / ours.cpu).toFixed(2)} CPU`,
  );
  console.log(
    `  largest differences to scipy: ${names
      .map((n, k) => `${n} ${diffs[k].toExponential(1)}`)
      .join(', ')}`,
  );
}

async function csvBench(dir: string) {
  const file = join(dir, 'data.csv');
  const handle = await fs.open(file, 'w');
  await handle.write(
    `${Array.from({ length: FEATURES }, (_, f) => `f${f}`).join(',')}\n`,
  );
  const columns = Array.from({ length: FEATURES }, (_, f) =>
    normals(ROWS, 10 * f, 1 + f, 100 + f),
  );
  const CHUNK = 10_000;
  for (let start = 0; start < ROWS; start += CHUNK) {
    const lines: string[] = [];
    for (let i = start; i < Math.min(ROWS, start + CHUNK); i++) {
      lines.push(columns.map(c => c[i].toFixed(4)).join(','));
    }
    await handle.write(`${lines.join('\n')}\n`);
  }
  await handle.close();
  columns.length = 0;
  const { size } = await fs.stat(file);
  (globalThis as { gc?: () => void }).gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  const elapsed = clock();
  const profiles = await profileStream(
    createReadStream(file, { highWaterMark: 1 << 20 }),
    'csv',
    new ProfileBuilder(),
  );
  const took = elapsed();
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  console.log(
    `profiles from a ${ROWS}-row, ${FEATURES}-column CSV (${(
      size /
      2 ** 20
    ).toFixed(0)} MiB): ${show(took)}; ${rate(
      ROWS,
      took,
    )} rows/s; peak RSS growth ${((peak - before) / 2 ** 20).toFixed(0)} MiB`,
  );
  return profiles;
}

function binnedBench(reference: Awaited<ReturnType<typeof csvBench>>) {
  const schema = schemaOf(reference);
  const ROWS_PER_BATCH = 10_000;
  const batches = 200;
  const payloads: string[] = [];
  for (let b = 0; b < 20; b++) {
    payloads.push(
      JSON.stringify(
        reference.map(p => {
          const bins =
            p.kind === 'categorical' ? 0 : p.histogram.binEdges.length + 1;
          const counts = new Array(bins).fill(
            Math.floor(ROWS_PER_BATCH / bins),
          );
          counts[b % bins] +=
            ROWS_PER_BATCH - counts.reduce((x, y) => x + y, 0);
          return { feature: p.feature, counts };
        }),
      ),
    );
  }
  const features = modelRegistrySchemas.binnedFeature.array();
  const elapsed = clock();
  let window = profilesFromBinned(
    schema,
    features.parse(JSON.parse(payloads[0])),
  );
  for (let b = 1; b < batches; b++) {
    const batch = profilesFromBinned(
      schema,
      features.parse(JSON.parse(payloads[b % payloads.length])),
    );
    window = mergeProfiles(window, batch);
  }
  const took = elapsed();
  const values = batches * ROWS_PER_BATCH * reference.length;
  console.log(
    `pre-binned ingestion: ${batches} batches of ${ROWS_PER_BATCH} rows × ${
      reference.length
    } features: ${show(took)}; ${rate(values, took)} values/s`,
  );
}

async function main() {
  console.log(
    `node ${process.version}, ${cpus()[0]?.model ?? 'cpu'}, load ${loadavg()
      .map(l => l.toFixed(2))
      .join(' ')}`,
  );
  const dir = await fs.mkdtemp(join(tmpdir(), 'mlreg-bench-drift-'));
  try {
    await reportBench(dir);
    const reference = await csvBench(dir);
    binnedBench(reference);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
