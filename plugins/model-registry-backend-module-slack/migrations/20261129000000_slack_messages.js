// @ts-check

/**
 * What the Slack module posted: one row per event and channel (so a repeated
 * delivery does not post twice), and the first message about each version
 * or incident per channel (so follow-ups are threaded under it).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('model_registry_slack_messages', table => {
    table.comment('Slack messages posted per registry event and channel');
    table.string('event_id', 64).notNullable();
    table.string('channel', 255).notNullable();
    table.string('ts', 64).notNullable().comment('Slack message timestamp');
    table.string('thread_ts', 64).nullable();
    table
      .timestamp('posted_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
    table.primary(['event_id', 'channel']);
    table.index(['posted_at'], 'model_registry_slack_messages_posted_idx');
  });
  await knex.schema.createTable('model_registry_slack_threads', table => {
    table.comment('The first message about a version or incident per channel');
    table
      .string('thread_key', 255)
      .notNullable()
      .comment('version:<model>:<n> or incident:<model>:<environment>');
    table.string('channel', 255).notNullable();
    table.string('ts', 64).notNullable();
    table
      .timestamp('created_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
    table.primary(['thread_key', 'channel']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('model_registry_slack_threads');
  await knex.schema.dropTable('model_registry_slack_messages');
};
