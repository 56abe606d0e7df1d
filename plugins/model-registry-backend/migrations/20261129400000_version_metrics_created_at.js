// @ts-check

/**
 * The version search by metric threshold (`?metric=accuracy>=0.9`, newest
 * first) is driven by the metric: `version_metrics` gets a copy of its
 * version's `created_at` (immutable), and the index
 * `version_metrics_key_created_idx (key, created_at, version_id, value)`
 * (on SQLite without `value`) yields one key's rows newest first, so a page reads about
 * (page size / share of matching rows) index entries wherever the matching
 * versions fall, instead of walking every version from the newest and
 * probing its metrics.
 *
 * The column is filled by the version's insert (`DatabaseVersionStore`) and
 * here for the rows there are. It stays nullable: a row without it is not
 * found by a metric search, so writers around the store must set it.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('version_metrics', table => {
    table
      .timestamp('created_at', { useTz: true })
      .nullable()
      .comment("Copy of the version's created_at, for the metric search");
  });
  await knex('version_metrics').update({
    created_at: knex('model_versions')
      .select('created_at')
      .whereRaw('model_versions.id = version_metrics.version_id'),
  });
  // With `value` in the index, PostgreSQL checks the condition in the index
  // and visits only the matching rows. SQLite gets the index without
  // `value`: without statistics it would take a covering index with `key`
  // first over `version_metrics_uq (version_id, key, …)` for the per-version
  // probes (`exists … where version_id = ? and key = ? and value >= ?`) and
  // read every row of the key for each version.
  const sqlite = knex.client.config.client !== 'pg';
  await knex.schema.alterTable('version_metrics', table => {
    table.index(
      sqlite
        ? ['key', 'created_at', 'version_id']
        : ['key', 'created_at', 'version_id', 'value'],
      'version_metrics_key_created_idx',
    );
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('version_metrics', table => {
    table.dropIndex([], 'version_metrics_key_created_idx');
  });
  await knex.schema.alterTable('version_metrics', table => {
    table.dropColumn('created_at');
  });
};
