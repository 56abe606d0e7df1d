// @ts-check

/**
 * Annotations on models, like those of versions: a JSON object of string
 * keys and values that integrations keep on a model (e.g. the exact name a
 * model has in MLflow).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('models', table => {
    table
      .text('annotations')
      .notNullable()
      .defaultTo('{}')
      .comment('JSON object of string keys and values');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('models', table => {
    table.dropColumn('annotations');
  });
};
