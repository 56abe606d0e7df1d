/*
 * Artifact upload benchmark: the stores against the plain way of writing the
 * same bytes, with their memory use.
 *
 *   yarn workspace @mlreg/plugin-model-registry-backend bench:artifacts
 *
 * BENCH_ARTIFACT_MB sets the artifact size (default 1024), BENCH_RUNS the runs
 * per case (default 5; the median counts), BENCH_DIR where files go (default:
 * the system's temporary directory), BENCH_STORES the stores to measure
 * (default `filesystem,s3,gcs`). Exits non-zero when a target is missed:
 * each store at least 80% of the throughput of its plain counterpart, and
 * peak RSS growing by less than 64 MiB during a store's upload.
 *
 * S3 is s3rver, Cloud Storage the local JSON API server of the tests
 * (src/storage/__testUtils__/gcsServer.ts), each in its own process.
 */
import { DeleteObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { createWriteStream, promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Storage } from '@google-cloud/storage';
import { artifactKey } from '../src/storage/ArtifactStore';
import { crc32cGenerator } from '../src/storage/crc32c';
import { FilesystemArtifactStore } from '../src/storage/FilesystemArtifactStore';
import { GcsArtifactStore } from '../src/storage/GcsArtifactStore';
import { S3ArtifactStore } from '../src/storage/S3ArtifactStore';

const MiB = 1024 * 1024;
const SIZE = Number(process.env.BENCH_ARTIFACT_MB ?? 1024) * MiB;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const BUCKET = 'bench';
const STORES = (process.env.BENCH_STORES ?? 'filesystem,s3,gcs').split(',');
// The size of the chunks an HTTP request body arrives in.
const CHUNK_SIZE = 64 * 1024;
const POOL = randomBytes(16 * MiB);

/**
 * `size` pseudo-random bytes, produced far faster than any store consumes
 * them: views into a random pool at shifting offsets, so no chunk repeats
 * the previous one and no copy is made.
 */
class PseudoRandomStream extends Readable {
  private sent = 0;
  private offset = 0;

  constructor(private readonly total: number) {
    super({ highWaterMark: CHUNK_SIZE });
  }

  _read() {
    const length = Math.min(CHUNK_SIZE, this.total - this.sent);
    if (length === 0) {
      this.push(null);
      return;
    }
    this.offset = (this.offset + CHUNK_SIZE + 4099) % (POOL.length - length);
    this.sent += length;
    this.push(POOL.subarray(this.offset, this.offset + length));
  }
}

interface Measurement {
  mbPerSecond: number;
  peakRssGrowthMiB: number;
}

/** Runs one upload while sampling RSS every 100 ms. */
async function measure(run: () => Promise<void>): Promise<Measurement> {
  // Starts each case with no dirty pages of an earlier one still being
  // written back, and with the garbage of earlier cases collected.
  spawnSync('sync');
  global.gc?.();
  const baseline = process.memoryUsage.rss();
  let peak = baseline;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 100);
  const start = process.hrtime.bigint();
  try {
    await run();
  } finally {
    clearInterval(sampler);
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  peak = Math.max(peak, process.memoryUsage.rss());
  return {
    mbPerSecond: SIZE / MiB / seconds,
    peakRssGrowthMiB: (peak - baseline) / MiB,
  };
}

/**
 * A server in its own process, so that its work does not slow the
 * uploader; it prints its address first.
 */
async function startServer(
  name: string,
  args: string[],
): Promise<{ endpoint: string; child: ChildProcess }> {
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const endpoint = await new Promise<string>((resolve, reject) => {
    child.stdout!.once('data', data => resolve(String(data).trim()));
    child.once('exit', code => reject(new Error(`${name} exited (${code})`)));
  });
  return { endpoint, child };
}

function startS3rver(directory: string) {
  return startServer('s3rver', [
    '-e',
    `const S3rver = require('s3rver');
     new S3rver({ address: '127.0.0.1', port: 0, silent: true,
       directory: ${JSON.stringify(directory)},
       configureBuckets: [{ name: '${BUCKET}', configs: [] }] })
       .run().then(({ port }) => console.log('http://127.0.0.1:' + port));`,
  ]);
}

function startGcsServer(directory: string) {
  return startServer('the Cloud Storage server', [
    '--require',
    require.resolve('@backstage/cli/config/nodeTransform.cjs'),
    join(__dirname, '../src/storage/__testUtils__/gcsServer.ts'),
    '--dir',
    directory,
    '--bucket',
    BUCKET,
  ]);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function main() {
  const dir = await fs.mkdtemp(
    join(process.env.BENCH_DIR ?? tmpdir(), 'artifact-bench-'),
  );
  const s3rver = await startS3rver(join(dir, 's3'));
  const gcsServer = await startGcsServer(join(dir, 'gcs'));
  const client = new S3Client({
    endpoint: s3rver.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  // Configured as createArtifactStore configures it; the baseline uses the
  // same client.
  const storage = new Storage({
    apiEndpoint: gcsServer.endpoint,
    crc32cGenerator,
  });
  const filesystemStore = await FilesystemArtifactStore.create({
    rootDir: join(dir, 'store'),
  });
  const s3Store = new S3ArtifactStore({ client, bucket: BUCKET });
  const gcsStore = new GcsArtifactStore({ storage, bucket: BUCKET });
  // The default limit, which also sets the S3 store's part size.
  const maxBytes = 10 * 1024 * MiB;
  const key = () => artifactKey(randomUUID(), randomUUID());

  const cases: Record<string, () => Promise<void>> = {};
  if (STORES.includes('filesystem')) {
    cases['fs write (baseline)'] = async () => {
      // Synced to disk like the store's writes, so both pay for durability.
      const path = join(dir, 'plain');
      await pipeline(
        new PseudoRandomStream(SIZE),
        createWriteStream(path, { flush: true }),
      );
      await fs.rm(path);
    };
    cases.FilesystemArtifactStore = async () => {
      const k = key();
      await filesystemStore.put(k, new PseudoRandomStream(SIZE), { maxBytes });
      await filesystemStore.delete(k);
    };
  }
  if (STORES.includes('s3')) {
    cases['lib-storage Upload (baseline)'] = async () => {
      const Key = randomUUID();
      await new Upload({
        client,
        params: { Bucket: BUCKET, Key, Body: new PseudoRandomStream(SIZE) },
      }).done();
      await client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key }));
    };
    cases.S3ArtifactStore = async () => {
      const k = key();
      await s3Store.put(k, new PseudoRandomStream(SIZE), { maxBytes });
      await s3Store.delete(k);
    };
  }
  if (STORES.includes('gcs')) {
    // The store first: alone (BENCH_STORES=gcs), it runs in a fresh process,
    // so its peak RSS growth is not hidden by a heap an earlier case grew.
    cases.GcsArtifactStore = async () => {
      const k = key();
      await gcsStore.put(k, new PseudoRandomStream(SIZE), { maxBytes });
      await gcsStore.delete(k);
    };
    cases['@google-cloud/storage upload (baseline)'] = async () => {
      // The library's own way on the same client: one resumable upload with
      // its defaults, a single streamed request.
      const file = storage.bucket(BUCKET).file(randomUUID());
      await pipeline(new PseudoRandomStream(SIZE), file.createWriteStream());
      await file.delete();
    };
  }

  const results: Record<string, Measurement[]> = {};
  try {
    // Cases take turns, so that drift in the machine's load hits all alike.
    for (let run = 0; run < RUNS; run++) {
      for (const [name, runCase] of Object.entries(cases)) {
        const result = await measure(runCase);
        (results[name] ??= []).push(result);
        console.error(
          `run ${run + 1}/${RUNS} ${name}: ${result.mbPerSecond.toFixed(
            0,
          )} MiB/s, ` + `peak RSS +${result.peakRssGrowthMiB.toFixed(1)} MiB`,
        );
      }
    }
  } finally {
    client.destroy();
    s3rver.child.kill();
    gcsServer.child.kill();
    await fs.rm(dir, { recursive: true, force: true });
  }

  const summary = Object.fromEntries(
    Object.entries(results).map(([name, runs]) => [
      name,
      {
        mbPerSecond: median(runs.map(r => r.mbPerSecond)),
        peakRssGrowthMiB: Math.max(...runs.map(r => r.peakRssGrowthMiB)),
      },
    ]),
  );
  console.log(
    `\nArtifact upload of ${SIZE / MiB} MiB, median of ${RUNS} runs (Node ${
      process.version
    })\n`,
  );
  console.log('| case | MiB/s | peak RSS growth (MiB) |');
  console.log('| --- | ---: | ---: |');
  for (const [name, m] of Object.entries(summary)) {
    console.log(
      `| ${name} | ${m.mbPerSecond.toFixed(0)} | ${m.peakRssGrowthMiB.toFixed(
        1,
      )} |`,
    );
  }

  const checks = [
    ['FilesystemArtifactStore', 'fs write (baseline)'],
    ['S3ArtifactStore', 'lib-storage Upload (baseline)'],
    ['GcsArtifactStore', '@google-cloud/storage upload (baseline)'],
  ]
    .filter(([store]) => summary[store])
    .flatMap(([store, baseline]) => {
      const ratio = summary[store].mbPerSecond / summary[baseline].mbPerSecond;
      const growth = summary[store].peakRssGrowthMiB;
      return [
        {
          target: `${store} throughput ≥ 80% of ${baseline}`,
          value: `${(ratio * 100).toFixed(0)}%`,
          met: ratio >= 0.8,
        },
        {
          target: `${store} peak RSS growth < 64 MiB`,
          value: `${growth.toFixed(1)} MiB`,
          met: growth < 64,
        },
      ];
    });
  console.log('\n| target | measured | met |');
  console.log('| --- | ---: | --- |');
  for (const check of checks) {
    console.log(
      `| ${check.target} | ${check.value} | ${check.met ? 'yes' : 'NO'} |`,
    );
  }
  if (checks.some(check => !check.met)) {
    process.exitCode = 1;
  }
}

main().catch(error => {
  console.error(error);
  process.exitCode = 1;
});
