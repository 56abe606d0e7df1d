// @ts-check

/**
 * Runs reported for a version by lineage emitters (OpenLineage): the job,
 * the run's latest state and the input datasets it read. One row per
 * version and run; a repeated or late event updates it.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('version_runs', table => {
    table.comment('Runs that produced a version, with their input datasets');
    table
      .uuid('version_id')
      .notNullable()
      .references('id')
      .inTable('model_versions')
      .onDelete('CASCADE');
    table.string('run_id', 255).notNullable();
    table.string('job', 512).notNullable();
    table.string('event_type', 16).notNullable();
    table.timestamp('event_time', { useTz: true }).notNullable();
    table.string('producer', 2048).nullable();
    table
      .text('inputs')
      .notNullable()
      .defaultTo('[]')
      .comment('JSON array of {namespace, name, entityRef?}');
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.primary(['version_id', 'run_id']);
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('version_runs');
};
