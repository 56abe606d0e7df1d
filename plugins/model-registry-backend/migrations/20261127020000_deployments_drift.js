// @ts-check

/**
 * The key metric of models; deployments with their status history; drift
 * reports and reference profiles. Rows of a model go with it (ON DELETE
 * CASCADE). Versions are referred to by number, as the API does: a version
 * is never deleted and its number never reused.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('models', table => {
    table
      .string('key_metric', 128)
      .nullable()
      .comment('Metric key that ranks the versions, e.g. auc');
  });

  await knex.schema.createTable('deployments', table => {
    table.comment('A version of a model rolled out to an environment');
    table.uuid('id').primary().notNullable();
    table
      .uuid('model_id')
      .notNullable()
      .references('id')
      .inTable('models')
      .onDelete('CASCADE');
    table.integer('version').notNullable();
    table.string('environment', 63).notNullable();
    table.string('target_cluster', 255).notNullable();
    table.string('target_namespace', 63).notNullable();
    table.string('target_kind', 64).notNullable();
    table
      .string('status', 16)
      .notNullable()
      .comment('pending | progressing | succeeded | failed | rolled-back');
    table
      .integer('replaced_version')
      .nullable()
      .comment('The version this deployment replaced in its environment');
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.string('created_by', 255).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    // Newest first per model (list, health) and per environment (lineage).
    table.index(['model_id', 'created_at', 'id'], 'deployments_model_idx');
    table.index(
      ['model_id', 'environment', 'created_at', 'id'],
      'deployments_model_env_idx',
    );
  });

  await knex.schema.createTable('deployment_status_changes', table => {
    table.comment('Status history of deployments, oldest first by id');
    table.bigIncrements('id').primary();
    table
      .uuid('deployment_id')
      .notNullable()
      .references('id')
      .inTable('deployments')
      .onDelete('CASCADE');
    table.string('status', 16).notNullable();
    table.text('message').nullable();
    table.timestamp('at', { useTz: true }).notNullable();
    table.index(['deployment_id', 'id'], 'deployment_status_changes_dep_idx');
  });

  await knex.schema.createTable('drift_reports', table => {
    table.comment('Drift of a model in one window of production traffic');
    table.uuid('id').primary().notNullable();
    table
      .uuid('model_id')
      .notNullable()
      .references('id')
      .inTable('models')
      .onDelete('CASCADE');
    table.integer('version').notNullable();
    table.timestamp('window_start', { useTz: true }).notNullable();
    table.timestamp('window_end', { useTz: true }).notNullable();
    table.string('verdict', 16).notNullable().comment('drift | no-drift');
    table.double('drifted_share').notNullable();
    table.boolean('retraining_suggested').notNullable().defaultTo(false);
    table
      .text('features')
      .notNullable()
      .defaultTo('[]')
      .comment('JSON array of feature drifts');
    table.timestamp('created_at', { useTz: true }).notNullable();
    // Newest window first per model (list, health, drift filter, summary).
    table.index(['model_id', 'window_end', 'id'], 'drift_reports_model_idx');
  });

  await knex.schema.createTable('reference_profiles', table => {
    table.comment('Training-time feature distributions, one per version');
    table
      .uuid('model_id')
      .notNullable()
      .references('id')
      .inTable('models')
      .onDelete('CASCADE');
    table.integer('version').notNullable();
    table
      .text('features')
      .notNullable()
      .comment('JSON array of feature profiles');
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.primary(['model_id', 'version']);
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('reference_profiles');
  await knex.schema.dropTable('drift_reports');
  await knex.schema.dropTable('deployment_status_changes');
  await knex.schema.dropTable('deployments');
  await knex.schema.alterTable('models', table => {
    table.dropColumn('key_metric');
  });
};
