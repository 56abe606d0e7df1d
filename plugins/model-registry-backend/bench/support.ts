/* What the benchmarks share: a free port and a throw-away database. */
import knexFactory from 'knex';
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
