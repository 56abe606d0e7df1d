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
  });
});
