// @ts-check

/**
 * Outbox deliveries get a status: `pending` (due at `next_attempt_at`),
 * `delivered`, or `dead` (out of attempts, keeping `last_error` until a
 * manual replay). Indexes serve the dispatcher's due query and the delivery
 * log, which lists newest first filtered by subscriber, status, model or type.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('outbox_deliveries', table => {
    table
      .string('status', 16)
      .notNullable()
      .defaultTo('pending')
      .comment('pending, delivered or dead');
  });
  await knex('outbox_deliveries')
    .whereNotNull('delivered_at')
    .update({ status: 'delivered' });
  await knex.schema.alterTable('outbox_deliveries', table => {
    table.dropIndex([], 'outbox_deliveries_due_idx');
    table.index(
      ['subscriber', 'status', 'next_attempt_at'],
      'outbox_deliveries_due_idx',
    );
    table.index(
      ['subscriber', 'event_seq'],
      'outbox_deliveries_subscriber_idx',
    );
    table.index(['status', 'event_seq'], 'outbox_deliveries_status_idx');
  });
  await knex.schema.alterTable('outbox_events', table => {
    table.index(['model_name', 'id'], 'outbox_events_model_idx');
    table.index(['type', 'id'], 'outbox_events_type_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('outbox_events', table => {
    table.dropIndex([], 'outbox_events_model_idx');
    table.dropIndex([], 'outbox_events_type_idx');
  });
  await knex.schema.alterTable('outbox_deliveries', table => {
    table.dropIndex([], 'outbox_deliveries_status_idx');
    table.dropIndex([], 'outbox_deliveries_subscriber_idx');
    table.dropIndex([], 'outbox_deliveries_due_idx');
  });
  // Dead deliveries become pending again: the old schema retries forever.
  await knex.schema.alterTable('outbox_deliveries', table => {
    table.dropColumn('status');
    table.index(
      ['subscriber', 'delivered_at', 'next_attempt_at'],
      'outbox_deliveries_due_idx',
    );
  });
};
