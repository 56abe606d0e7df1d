// @ts-check

/**
 * Outgoing webhooks registered by users, and which events reached which
 * webhook (so a repeated delivery sends each webhook an event once).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('model_registry_webhooks', table => {
    table.comment('Outgoing webhooks of Model Registry events');
    table.string('id', 36).primary();
    table.string('url', 2048).notNullable();
    table.text('description').notNullable().defaultTo('');
    table
      .string('secret', 255)
      .notNullable()
      .comment('whsec_ + base64 key; never returned after creation');
    table.text('events').nullable().comment('JSON array; null: all events');
    table.text('models').nullable().comment('JSON array; null: all models');
    table.string('created_by', 255).notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
  });
  await knex.schema.createTable('model_registry_webhook_sends', table => {
    table.comment('Events each webhook accepted (2xx)');
    table.string('event_id', 64).notNullable();
    table
      .string('webhook_id', 36)
      .notNullable()
      .references('id')
      .inTable('model_registry_webhooks')
      .onDelete('CASCADE');
    table.integer('status').notNullable();
    table.timestamp('sent_at', { useTz: true }).notNullable();
    table.primary(['event_id', 'webhook_id']);
    table.index(['sent_at'], 'model_registry_webhook_sends_sent_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('model_registry_webhook_sends');
  await knex.schema.dropTable('model_registry_webhooks');
};
