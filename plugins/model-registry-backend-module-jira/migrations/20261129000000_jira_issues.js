// @ts-check

/**
 * Jira issues the module created: per model its epic, per version its
 * validate-and-deploy issue, per model and environment its incident; and
 * the registry events already handled (each is acted on once).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('model_registry_jira_issues', table => {
    table.comment('Jira issues of registry models');
    table.string('model', 63).notNullable();
    table.string('kind', 16).notNullable().comment('epic, version or incident');
    table
      .string('subject', 255)
      .notNullable()
      .comment('- (epic), the version number, or the environment');
    table.string('issue_key', 64).notNullable();
    table.string('issue_url', 2048).notNullable();
    table.string('state', 16).notNullable().comment('open or recovered');
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.primary(['model', 'kind', 'subject']);
  });
  await knex.schema.createTable('model_registry_jira_events', table => {
    table.comment(
      'Registry events the Jira module handled (done) or began (started)',
    );
    table.string('event_id', 64).primary();
    table.string('state', 16).notNullable();
    table.string('issue_key', 64).nullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.index(['updated_at'], 'model_registry_jira_events_at_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('model_registry_jira_events');
  await knex.schema.dropTable('model_registry_jira_issues');
};
