// @ts-check

/**
 * GitHub webhook deliveries: the verified ones by `X-GitHub-Delivery` (to
 * process each once) and the refused ones (bad or missing signature).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('model_registry_github_deliveries', table => {
    table.comment('Verified GitHub webhook deliveries and what came of them');
    table.string('delivery_id', 64).primary();
    table.string('event', 64).notNullable();
    table.string('repository', 255).nullable();
    table
      .string('outcome', 16)
      .notNullable()
      .comment('processing, registered, ignored or failed');
    table.text('detail').notNullable().defaultTo('');
    table.timestamp('received_at', { useTz: true }).notNullable();
    table.index(['received_at'], 'model_registry_github_deliveries_at_idx');
  });
  await knex.schema.createTable('model_registry_github_rejections', table => {
    table.comment('GitHub webhook deliveries refused with 401');
    table.increments('id');
    table.string('claimed_delivery_id', 64).nullable();
    table.string('event', 64).nullable();
    table.string('reason', 255).notNullable();
    table.timestamp('received_at', { useTz: true }).notNullable();
    table.index(['received_at'], 'model_registry_github_rejections_at_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('model_registry_github_rejections');
  await knex.schema.dropTable('model_registry_github_deliveries');
};
