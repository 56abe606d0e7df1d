// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('models', table => {
    table.comment('Registered models: one row per model name');
    table.uuid('id').primary().notNullable();
    table.string('name', 63).notNullable().unique();
    table.string('owner', 255).notNullable().comment('Catalog entity ref');
    table.text('description').notNullable().defaultTo('');
    table.string('task', 64).nullable();
    table.string('framework', 64).nullable();
    table.text('links').notNullable().defaultTo('{}').comment('JSON object');
    table.timestamp('archived_at', { useTz: true }).nullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.string('created_by', 255).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.string('updated_by', 255).notNullable();
    table.index(['owner'], 'models_owner_idx');
  });
  await knex.schema.createTable('model_tags', table => {
    table.comment('Tags of models, one row per model and tag');
    table
      .uuid('model_id')
      .notNullable()
      .references('id')
      .inTable('models')
      .onDelete('CASCADE');
    table.string('tag', 63).notNullable();
    table.primary(['model_id', 'tag']);
    table.index(['tag'], 'model_tags_tag_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('model_tags');
  await knex.schema.dropTable('models');
};
