import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { databases } from '../__testUtils__/startRegistry';

jest.setTimeout(60_000);

const migrationsDir = resolvePackagePath(
  '@mlreg/plugin-model-registry-backend',
  'migrations',
);

describe.each(databases.eachSupportedId())('migrations (%s)', databaseId => {
  it('run up, down and up again', async () => {
    const knex = await databases.init(databaseId);
    await knex.migrate.latest({ directory: migrationsDir });
    expect(await knex.schema.hasTable('outbox_deliveries')).toBe(true);
    await knex.migrate.rollback({ directory: migrationsDir }, true);
    expect(await knex.schema.hasTable('models')).toBe(false);
    await knex.migrate.latest({ directory: migrationsDir });
    expect(await knex.schema.hasColumn('models', 'last_version')).toBe(true);
    for (const table of [
      'deployments',
      'deployment_status_changes',
      'drift_reports',
      'reference_profiles',
    ]) {
      expect([table, await knex.schema.hasTable(table)]).toEqual([table, true]);
    }
    expect(await knex.schema.hasColumn('models', 'key_metric')).toBe(true);
  });

  it('rolls back the deployments and drift migration alone', async () => {
    const knex = await databases.init(databaseId);
    await knex.migrate.latest({ directory: migrationsDir });
    // By name: later migrations stay applied.
    const migration = {
      directory: migrationsDir,
      name: '20261127020000_deployments_drift.js',
    };
    await knex.migrate.down(migration);
    expect(await knex.schema.hasTable('drift_reports')).toBe(false);
    expect(await knex.schema.hasTable('deployments')).toBe(false);
    expect(await knex.schema.hasColumn('models', 'key_metric')).toBe(false);
    expect(await knex.schema.hasTable('model_versions')).toBe(true);
    await knex.migrate.up(migration);
    expect(await knex.schema.hasTable('reference_profiles')).toBe(true);
  });
});
