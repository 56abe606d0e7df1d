// @ts-check

/**
 * Production data for drift checks: batches of feature profiles per model
 * and environment, on the bin edges of the reference profile of the version
 * that served them; drift reports gain the environment they are about and
 * what the check left out.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('drift_batches', table => {
    table.comment('Production feature profiles of a model in an environment');
    table.uuid('id').primary().notNullable();
    table
      .uuid('model_id')
      .notNullable()
      .references('id')
      .inTable('models')
      .onDelete('CASCADE');
    table.integer('version').notNullable().comment('The version that served');
    table.string('environment', 63).notNullable();
    table
      .timestamp('observed_at', { useTz: true })
      .notNullable()
      .comment('When the batch was served; windows select by it');
    table.bigInteger('values').notNullable().comment('Values counted');
    table
      .text('features')
      .notNullable()
      .comment('JSON array of feature profiles on the reference edges');
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.string('created_by', 255).notNullable();
    // Windows: the batches of a model and environment by time.
    table.index(
      ['model_id', 'environment', 'observed_at', 'id'],
      'drift_batches_model_env_idx',
    );
  });

  await knex.schema.alterTable('drift_reports', table => {
    table
      .string('environment', 63)
      .nullable()
      .comment('The environment whose traffic was checked');
    table
      .text('details')
      .nullable()
      .comment('JSON: window, batches, features left out and why');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('drift_reports', table => {
    table.dropColumn('details');
    table.dropColumn('environment');
  });
  await knex.schema.dropTable('drift_batches');
};
