// @ts-check

/**
 * Idempotency keys of create requests: a retried request with the same key
 * and body gets the first answer again instead of creating a second
 * resource. A row is `pending` (no status yet) while its request runs.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('idempotency_keys', table => {
    table.comment('Answers of create requests, by caller and Idempotency-Key');
    table
      .string('principal', 255)
      .notNullable()
      .comment('Who sent the request: a user entity ref or a service');
    table.string('key', 255).notNullable().comment('The Idempotency-Key');
    table
      .string('fingerprint', 64)
      .notNullable()
      .comment('sha256 of the operation, path and body');
    table
      .integer('status')
      .nullable()
      .comment('Status of the answer; null while the request runs');
    table.text('response').nullable().comment('The JSON answer');
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.primary(['principal', 'key']);
    table.index(['created_at'], 'idempotency_keys_created_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('idempotency_keys');
};
