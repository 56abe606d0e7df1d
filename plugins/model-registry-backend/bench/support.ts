/* What the benchmarks share: a free port and a throw-away database. */
import { createBackend } from '@backstage/backend-defaults';
import knexFactory from 'knex';
import { promises as fs } from 'node:fs';
import { AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';

/** A TCP port nothing listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/**
 * The backend's database config for BENCH_DB (sqlite in `workDir`, or a new
 * PostgreSQL database with one schema per plugin), the connection settings
 * of the registry's own database, and how to drop it all.
 */
export async function createBenchDatabase(workDir: string) {
  if ((process.env.BENCH_DB ?? 'sqlite') === 'sqlite') {
    const directory = join(workDir, 'sqlite');
    return {
      backendConfig: { client: 'better-sqlite3', connection: { directory } },
      registryConnection: {
        client: 'better-sqlite3',
        connection: { filename: join(directory, 'model-registry.sqlite') },
        useNullAsDefault: true,
      },
      cleanup: async () => {},
    };
  }
  const adminUrl =
    process.env.BENCH_PG_URL ??
    process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING ??
    'postgresql://postgres@127.0.0.1:5432/postgres';
  const name = `mlreg_bench_${Date.now()}`;
  const admin = knexFactory({ client: 'pg', connection: adminUrl });
  await admin.raw(`create database ${name}`);
  await admin.destroy();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    backendConfig: {
      client: 'pg',
      connection: url.toString(),
      // One database for all plugins, a schema each.
      pluginDivisionMode: 'schema',
    },
    registryConnection: {
      client: 'pg',
      connection: url.toString(),
      searchPath: ['model-registry'],
    },
    cleanup: async () => {
      const a = knexFactory({ client: 'pg', connection: adminUrl });
      await a.raw(`drop database if exists ${name} with (force)`);
      await a.destroy();
    },
  };
}

/** Runs a benchmark's main function and exits with its outcome. */
export function runBenchmark(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    error => {
      console.error(error);
      process.exit(1);
    },
  );
}

/**
 * A backend on `port` with `database`, a static token for the benchmark's
 * client, artifacts under `workDir`, and `extraConfig` merged in; the
 * caller adds the features and starts it.
 */
export async function createBenchBackend(options: {
  port: number;
  database: object;
  token: string;
  workDir: string;
  extraConfig?: Record<string, unknown>;
}) {
  const configFile = join(options.workDir, 'app-config.json');
  await fs.writeFile(
    configFile,
    JSON.stringify({
      backend: {
        baseUrl: `http://127.0.0.1:${options.port}`,
        listen: { port: options.port, host: '127.0.0.1' },
        database: options.database,
        auth: {
          externalAccess: [
            {
              type: 'static',
              options: { token: options.token, subject: 'bench' },
            },
          ],
        },
      },
      modelRegistry: {
        storage: {
          filesystem: { rootDir: join(options.workDir, 'artifacts') },
        },
      },
      ...options.extraConfig,
    }),
  );
  process.argv.push('--config', configFile);
  return createBackend();
}
