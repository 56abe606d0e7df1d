// @ts-check

/**
 * Deliveries are no longer written with each change: the dispatcher creates
 * them in bulk, one statement per subscriber and run (see
 * `DatabaseOutboxStore.fanOut`).
 *
 * - `outbox_subscribers` keeps, per subscriber, the outbox position up to
 *   which every event it accepts has its delivery row (`fanned_out_to`).
 *   Subscribers that already have deliveries start at the newest event:
 *   their deliveries were written with the events.
 * - `outbox_events.written_at` is the database's clock when the row was
 *   inserted (PostgreSQL `clock_timestamp()`, evaluated with the id). It
 *   tells how long a hole in the ids has been open, see `fanOut`. SQLite
 *   needs none: one writer at a time, so its ids become visible in order.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  const isPostgres = knex.client.config.client === 'pg';
  await knex.schema.createTable('outbox_subscribers', table => {
    table.comment('Per subscriber position of the bulk delivery fan-out');
    table.string('subscriber', 64).primary();
    table
      .bigInteger('fanned_out_to')
      .notNullable()
      .comment('Every event up to this id has its delivery, if accepted');
    table.timestamp('installed_at', { useTz: true }).notNullable();
  });
  // Existing rows keep null (long settled); SQLite cannot add a column
  // with a non-constant default and needs none: its ids commit in order.
  await knex.schema.alterTable('outbox_events', table => {
    table
      .timestamp('written_at', { useTz: true })
      .nullable()
      .comment('Database clock at insert, to age holes in the ids');
  });
  if (isPostgres) {
    await knex.raw(
      'ALTER TABLE outbox_events ALTER COLUMN written_at SET DEFAULT clock_timestamp()',
    );
  }
  const [{ last }] = await knex('outbox_events').max({ last: 'id' });
  const subscribers = await knex('outbox_deliveries').distinct('subscriber');
  if (subscribers.length > 0) {
    await knex('outbox_subscribers').insert(
      subscribers.map(({ subscriber }) => ({
        subscriber,
        fanned_out_to: Number(last ?? 0),
        installed_at: new Date(),
      })),
    );
  }
};

/**
 * Events written since the upgrade that have no delivery yet get none: the
 * old dispatcher only delivers rows written with the event.
 *
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('outbox_events', table => {
    table.dropColumn('written_at');
  });
  await knex.schema.dropTable('outbox_subscribers');
};
