// @ts-check

/**
 * Versions, their metadata, aliases, KPIs, the audit trail and the outbox.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('models', table => {
    // The last version number handed out; bumped in the registering
    // transaction so numbers are max+1, never reused, race-free.
    table.integer('last_version').notNullable().defaultTo(0);
    // Keyset paging of the model list by each sort order.
    table.index(['created_at', 'name'], 'models_created_at_name_idx');
    table.index(['updated_at', 'name'], 'models_updated_at_name_idx');
  });
  if (knex.client.config.client === 'pg') {
    // Name-prefix search (LIKE 'abc%') cannot use the unique index under a
    // non-C collation; this one serves it.
    await knex.raw(
      'CREATE INDEX models_name_pattern_idx ON models (name text_pattern_ops)',
    );
  }

  await knex.schema.createTable('model_versions', table => {
    table.comment('Versions of models; numbered per model from 1');
    table.uuid('id').primary().notNullable();
    table
      .uuid('model_id')
      .notNullable()
      .references('id')
      .inTable('models')
      .onDelete('CASCADE');
    table.integer('version').notNullable();
    table
      .string('status', 16)
      .notNullable()
      .comment('PENDING | READY | FAILED');
    table.text('description').notNullable().defaultTo('');
    table.string('source_run_id', 255).nullable();
    table.string('source_commit', 64).nullable();
    table.string('source_uri', 2048).nullable();
    table
      .string('artifact_key', 512)
      .nullable()
      .comment('Key in the artifact store');
    table
      .string('artifact_uri', 2048)
      .nullable()
      .comment('External artifact URI');
    table.string('artifact_sha256', 64).nullable();
    table.bigInteger('artifact_size').nullable();
    table.string('artifact_format', 64).nullable();
    table
      .text('parameters')
      .notNullable()
      .defaultTo('{}')
      .comment('JSON object');
    table
      .text('model_card')
      .notNullable()
      .defaultTo('{}')
      .comment('JSON object');
    table
      .text('annotations')
      .notNullable()
      .defaultTo('{}')
      .comment('JSON object');
    table
      .uuid('parent_version_id')
      .nullable()
      .references('id')
      .inTable('model_versions')
      .onDelete('SET NULL');
    table
      .string('parent_relation', 32)
      .nullable()
      .comment('fine-tuned | distilled | retrained');
    table.text('failure_reason').nullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.string('created_by', 255).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.string('updated_by', 255).notNullable();
    table.unique(['model_id', 'version'], {
      indexName: 'model_versions_model_version_uq',
    });
    table.index(['model_id', 'status'], 'model_versions_model_status_idx');
    table.index(['created_at', 'id'], 'model_versions_created_at_id_idx');
    table.index(['parent_version_id'], 'model_versions_parent_idx');
  });

  await knex.schema.createTable('version_tags', table => {
    table
      .uuid('version_id')
      .notNullable()
      .references('id')
      .inTable('model_versions')
      .onDelete('CASCADE');
    table.string('tag', 63).notNullable();
    table.primary(['version_id', 'tag']);
    table.index(['tag'], 'version_tags_tag_idx');
  });

  await knex.schema.createTable('version_metrics', table => {
    table.comment('Metrics of versions: key, value, optional dataset and step');
    table.bigIncrements('id').primary();
    table
      .uuid('version_id')
      .notNullable()
      .references('id')
      .inTable('model_versions')
      .onDelete('CASCADE');
    table.string('key', 128).notNullable();
    table.double('value').notNullable();
    table.string('dataset', 255).notNullable().defaultTo('');
    table.integer('step').notNullable().defaultTo(0);
    table.unique(['version_id', 'key', 'dataset', 'step'], {
      indexName: 'version_metrics_uq',
    });
  });

  await knex.schema.createTable('version_datasets', table => {
    table.comment('Data sets a version was trained or evaluated on');
    table.bigIncrements('id').primary();
    table
      .uuid('version_id')
      .notNullable()
      .references('id')
      .inTable('model_versions')
      .onDelete('CASCADE');
    table
      .string('role', 32)
      .notNullable()
      .comment('training | evaluation | other');
    table.string('entity_ref', 255).nullable().comment('Catalog Resource ref');
    table.string('uri', 2048).nullable();
    table.string('digest', 128).nullable();
    table.index(['version_id'], 'version_datasets_version_idx');
  });

  await knex.schema.createTable('model_aliases', table => {
    table.comment('Named, movable pointers to one version of a model');
    table
      .uuid('model_id')
      .notNullable()
      .references('id')
      .inTable('models')
      .onDelete('CASCADE');
    table.string('alias', 63).notNullable();
    table
      .uuid('version_id')
      .notNullable()
      .references('id')
      .inTable('model_versions')
      .onDelete('CASCADE');
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.string('updated_by', 255).notNullable();
    table.primary(['model_id', 'alias']);
    table.index(['version_id'], 'model_aliases_version_idx');
  });

  await knex.schema.createTable('model_kpis', table => {
    table.comment('Business KPIs of models and versions, one row per change');
    table.bigIncrements('id').primary();
    table
      .uuid('model_id')
      .notNullable()
      .references('id')
      .inTable('models')
      .onDelete('CASCADE');
    table
      .uuid('version_id')
      .nullable()
      .references('id')
      .inTable('model_versions')
      .onDelete('CASCADE');
    table.string('name', 128).notNullable();
    table.double('value').notNullable();
    table.string('unit', 32).notNullable().defaultTo('');
    table.string('period', 64).notNullable().defaultTo('');
    table.string('source', 255).notNullable().defaultTo('');
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.string('updated_by', 255).notNullable();
    table.index(['model_id', 'name', 'id'], 'model_kpis_model_name_idx');
  });

  await knex.schema.createTable('audit_events', table => {
    table.comment('Append-only record of every change');
    table.bigIncrements('id').primary();
    table.uuid('model_id').nullable().comment('Kept after a model is deleted');
    table.string('model_name', 63).nullable();
    table.integer('version').nullable();
    table.string('action', 64).notNullable();
    table.string('actor', 255).notNullable();
    table.string('target', 255).notNullable();
    table.text('before').nullable().comment('JSON');
    table.text('after').nullable().comment('JSON');
    table.string('request_id', 64).nullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.index(['model_name', 'id'], 'audit_events_model_idx');
    table.index(['action'], 'audit_events_action_idx');
  });

  await knex.schema.createTable('outbox_events', table => {
    table.comment('Domain events written with the change, delivered later');
    table.bigIncrements('id').primary();
    table.uuid('event_id').notNullable().unique().comment('Idempotency key');
    table.string('type', 64).notNullable();
    table.string('model_name', 63).nullable();
    table.text('payload').notNullable().comment('JSON');
    table.timestamp('created_at', { useTz: true }).notNullable();
  });

  await knex.schema.createTable('outbox_deliveries', table => {
    table.comment('Per subscriber delivery state of each outbox event');
    table
      .bigInteger('event_seq')
      .notNullable()
      .references('id')
      .inTable('outbox_events')
      .onDelete('CASCADE');
    table.string('subscriber', 64).notNullable();
    table.integer('attempts').notNullable().defaultTo(0);
    table.timestamp('next_attempt_at', { useTz: true }).notNullable();
    table.timestamp('delivered_at', { useTz: true }).nullable();
    table.text('last_error').nullable();
    table.primary(['event_seq', 'subscriber']);
    table.index(
      ['subscriber', 'delivered_at', 'next_attempt_at'],
      'outbox_deliveries_due_idx',
    );
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('outbox_deliveries');
  await knex.schema.dropTable('outbox_events');
  await knex.schema.dropTable('audit_events');
  await knex.schema.dropTable('model_kpis');
  await knex.schema.dropTable('model_aliases');
  await knex.schema.dropTable('version_datasets');
  await knex.schema.dropTable('version_metrics');
  await knex.schema.dropTable('version_tags');
  await knex.schema.dropTable('model_versions');
  if (knex.client.config.client === 'pg') {
    await knex.raw('DROP INDEX models_name_pattern_idx');
  }
  await knex.schema.alterTable('models', table => {
    table.dropIndex([], 'models_created_at_name_idx');
    table.dropIndex([], 'models_updated_at_name_idx');
    table.dropColumn('last_version');
  });
};
