import { Knex } from 'knex';

/*
 * The newest drift report and the newest deployment of each model, as SQL.
 * The model list filters and counts by them, and the drift and deployment
 * stores read them for model health; the orderings live here once.
 */

/** Newest first: drift reports by the end of their window, then id. */
const NEWEST_DRIFT_REPORT = ['window_end', 'id'];

/** Newest first: deployments by creation time, then id. */
const NEWEST_DEPLOYMENT = ['created_at', 'id'];

/**
 * The verdict of a model's newest drift report, as a correlated subquery on
 * the outer `models` row; null when the model has no report.
 */
export function newestDriftVerdict(db: Knex): Knex.QueryBuilder {
  return newestOfModel(db, 'drift_reports', 'verdict', NEWEST_DRIFT_REPORT);
}

/**
 * The status of a model's newest deployment, as a correlated subquery on
 * the outer `models` row; null when the model was never deployed.
 */
export function newestDeploymentStatus(db: Knex): Knex.QueryBuilder {
  return newestOfModel(db, 'deployments', 'status', NEWEST_DEPLOYMENT);
}

/** The newest drift report of each of the given models. */
export function newestDriftReports(
  db: Knex,
  modelIds: string[],
): Knex.QueryBuilder {
  return newestOfModels(db, 'drift_reports', NEWEST_DRIFT_REPORT, modelIds);
}

/** The newest deployment of each of the given models. */
export function newestDeployments(
  db: Knex,
  modelIds: string[],
): Knex.QueryBuilder {
  return newestOfModels(db, 'deployments', NEWEST_DEPLOYMENT, modelIds);
}

/**
 * A correlated subquery: `column` of the newest row of `table` (ordered by
 * `orderBy`, descending) belonging to the model of the outer `models` row.
 * One index probe per model with an index on `(model_id, ...orderBy)`.
 */
function newestOfModel(
  db: Knex,
  table: string,
  column: string,
  orderBy: string[],
): Knex.QueryBuilder {
  return db(table)
    .select(`${table}.${column}`)
    .whereRaw(`${table}.model_id = models.id`)
    .orderBy(orderBy.map(c => ({ column: `${table}.${c}`, order: 'desc' })))
    .limit(1);
}

/**
 * The rows of `table` that are the newest of each of the given models: a
 * constant number of queries for a page of models, not one per model.
 */
function newestOfModels(
  db: Knex,
  table: string,
  orderBy: string[],
  modelIds: string[],
): Knex.QueryBuilder {
  return db(table).whereIn(
    `${table}.id`,
    db('models')
      .whereIn('models.id', modelIds)
      .select(newestOfModel(db, table, 'id', orderBy).as('newest_id')),
  );
}
