// @ts-check

/**
 * What the deployer needs to drive a rollout from any replica: the step it
 * is at, the revisions it applied and replaced (so a rollback never depends
 * on the cluster's history), retries, deadlines, the guardrails' analysis;
 * and per model and environment whether the cluster serves what the
 * followed alias names.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('deployments', table => {
    table
      .string('phase', 16)
      .notNullable()
      .defaultTo('done')
      .comment('apply | rollback | rollout | bake | done');
    table
      .string('trigger', 16)
      .notNullable()
      .defaultTo('manual')
      .comment('manual | alias | rollback | auto-rollback');
    table
      .string('alias', 64)
      .nullable()
      .comment('The alias the environment follows');
    table
      .string('trigger_event_id', 64)
      .nullable()
      .comment('The outbox event that started it, to start it once');
    table
      .uuid('rollback_of')
      .nullable()
      .comment('The deployment a rollback replaced');
    table
      .text('applied_revision')
      .nullable()
      .comment('JSON: what the target applied');
    table
      .text('replaced_revision')
      .nullable()
      .comment('JSON: what it replaced');
    table
      .text('restores_revision')
      .nullable()
      .comment('JSON: for a rollback, the recorded revision it re-applies');
    table.boolean('canary').notNullable().defaultTo(false);
    table.integer('attempts').notNullable().defaultTo(0);
    table.timestamp('next_attempt_at', { useTz: true }).nullable();
    table.timestamp('deadline_at', { useTz: true }).nullable();
    table.timestamp('bake_until', { useTz: true }).nullable();
    table.text('analysis').nullable().comment('JSON: state of each guardrail');
    table.string('url', 2048).nullable();
    table.index(['phase', 'created_at'], 'deployments_phase_idx');
    table.index(['trigger_event_id'], 'deployments_trigger_event_idx');
  });

  await knex.schema.createTable('deployment_sync', table => {
    table.comment(
      'Per model and environment: does the cluster serve the alias?',
    );
    table
      .uuid('model_id')
      .notNullable()
      .references('id')
      .inTable('models')
      .onDelete('CASCADE');
    table.string('environment', 63).notNullable();
    table.integer('alias_version').nullable();
    table.integer('served_version').nullable();
    table.boolean('in_sync').notNullable();
    table.text('message').nullable();
    table.timestamp('checked_at', { useTz: true }).notNullable();
    table.primary(['model_id', 'environment']);
    table.index(['environment'], 'deployment_sync_env_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('deployment_sync');
  await knex.schema.alterTable('deployments', table => {
    table.dropIndex(['phase', 'created_at'], 'deployments_phase_idx');
    table.dropIndex(['trigger_event_id'], 'deployments_trigger_event_idx');
    for (const column of [
      'phase',
      'trigger',
      'alias',
      'trigger_event_id',
      'rollback_of',
      'applied_revision',
      'replaced_revision',
      'restores_revision',
      'canary',
      'attempts',
      'next_attempt_at',
      'deadline_at',
      'bake_until',
      'analysis',
      'url',
    ]) {
      table.dropColumn(column);
    }
  });
};
