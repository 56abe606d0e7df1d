import {
  DriftReport,
  DriftVerdict,
  FeatureDrift,
  FeatureProfile,
  ListDriftReportsQuery,
  ModelHealth,
  ReferenceProfile,
} from '@mlreg/plugin-model-registry-common';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { newestDriftReports } from './newestOfModel';
import { parseJson, toIsoString } from './util';

type Timestamp = Date | string | number;

type ReportRow = {
  id: string;
  model_id: string;
  model_name: string;
  version: number;
  window_start: Timestamp;
  window_end: Timestamp;
  verdict: DriftVerdict;
  drifted_share: number | string;
  retraining_suggested: boolean | number;
  features: string;
  created_at: Timestamp;
  environment: string | null;
  details: string | null;
};

/** What a report keeps beside its features. */
type ReportDetails = Pick<DriftReport, 'window' | 'batches' | 'skipped'>;

type BatchRow = {
  id: string;
  model_id: string;
  model_name: string;
  version: number;
  environment: string;
  observed_at: Timestamp;
  values: number | string;
  features: string;
  created_at: Timestamp;
  created_by: string;
};

/** A production batch: feature profiles on the reference edges of its version. */
export interface StoredBatch {
  id: string;
  modelId: string;
  model: string;
  environment: string;
  version: number;
  observedAt: string;
  values: number;
  features: FeatureProfile[];
}

/** Which batches make a window: by time, or the newest N. */
export type BatchQuery = {
  modelId: string;
  environment: string;
  version: number;
  /** Observed at or after. */
  since?: Date;
  /** Newest first, at most this many. */
  limit: number;
};

/** A model and environment that sent production data. */
export interface BatchScope {
  modelId: string;
  model: string;
  environment: string;
  /** The version of the newest batch. */
  version: number;
}

/** What the drift engine records for one window. */
export type NewDriftReport = Pick<
  DriftReport,
  | 'version'
  | 'verdict'
  | 'driftedShare'
  | 'retrainingSuggested'
  | 'features'
  | 'environment'
  | 'window'
  | 'batches'
  | 'skipped'
> & {
  /** Generated when absent. */
  id?: string;
  windowStart: Date;
  windowEnd: Date;
};

/** A validated page request on the drift reports of a model. */
export type DriftReportQuery = Pick<ListDriftReportsQuery, 'version'> & {
  modelId: string;
  /** Only windows that end at or after this time. */
  since?: Date;
  /** Keyset position: window end and id of the last row seen. */
  after?: { windowEnd: string; id: string };
  limit: number;
};

/** Drift reports of models and the reference profiles of their versions. */
export interface DriftStore {
  /** Records the drift report of one window; returns its id. */
  recordReport(
    modelId: string,
    report: NewDriftReport,
    now: Date,
  ): Promise<string>;
  /** The drift reports of a model, newest window first. */
  listReports(query: DriftReportQuery): Promise<DriftReport[]>;
  /** The verdict of the newest report, per model. */
  latestForModels(
    modelIds: string[],
  ): Promise<Map<string, NonNullable<ModelHealth['drift']>>>;
  /** Stores the reference profile of a version, replacing any earlier one. */
  putReferenceProfile(
    modelId: string,
    version: number,
    features: FeatureProfile[],
    now: Date,
  ): Promise<void>;
  getReferenceProfile(
    modelId: string,
    version: number,
  ): Promise<ReferenceProfile | undefined>;
  /** Stores a production batch; returns its id. */
  recordBatch(
    batch: Omit<StoredBatch, 'id' | 'model' | 'observedAt'> & {
      observedAt: Date;
    },
    actor: string,
    now: Date,
  ): Promise<string>;
  /** The batches of a window, newest first. */
  listBatches(query: BatchQuery): Promise<StoredBatch[]>;
  /**
   * Models and environments that sent batches (observed at or after
   * `since`), each with the version of its newest batch.
   */
  batchScopes(filter: {
    since?: Date;
    modelId?: string;
    environment?: string;
  }): Promise<BatchScope[]>;
}

/** Drift reports and reference profiles in their tables. */
export class DatabaseDriftStore implements DriftStore {
  constructor(private readonly db: Knex) {}

  async recordReport(
    modelId: string,
    report: NewDriftReport,
    now: Date,
  ): Promise<string> {
    const id = report.id ?? randomUUID();
    await this.db('drift_reports').insert({
      id,
      model_id: modelId,
      version: report.version,
      window_start: report.windowStart,
      window_end: report.windowEnd,
      verdict: report.verdict,
      drifted_share: report.driftedShare,
      retraining_suggested: report.retrainingSuggested,
      features: JSON.stringify(report.features),
      created_at: now,
      environment: report.environment ?? null,
      details: JSON.stringify({
        window: report.window,
        batches: report.batches,
        skipped: report.skipped,
      } satisfies ReportDetails),
    });
    return id;
  }

  async listReports(query: DriftReportQuery): Promise<DriftReport[]> {
    const q = this.db('drift_reports')
      .join('models', 'models.id', 'drift_reports.model_id')
      .select('drift_reports.*', 'models.name as model_name')
      .where('drift_reports.model_id', query.modelId)
      .orderBy([
        { column: 'drift_reports.window_end', order: 'desc' },
        { column: 'drift_reports.id', order: 'desc' },
      ])
      .limit(query.limit);
    if (query.version !== undefined) {
      q.where('drift_reports.version', query.version);
    }
    if (query.since) q.where('drift_reports.window_end', '>=', query.since);
    if (query.after) {
      q.whereRaw('(drift_reports.window_end, drift_reports.id) < (?, ?)', [
        new Date(query.after.windowEnd),
        query.after.id,
      ]);
    }
    const rows: ReportRow[] = await q;
    return rows.map(toReport);
  }

  /** One query for any number of models. */
  async latestForModels(
    modelIds: string[],
  ): Promise<Map<string, NonNullable<ModelHealth['drift']>>> {
    if (modelIds.length === 0) return new Map();
    const rows: Array<
      Pick<ReportRow, 'model_id' | 'verdict' | 'window_end' | 'version'>
    > = await newestDriftReports(this.db, modelIds).select(
      'model_id',
      'verdict',
      'window_end',
      'version',
    );
    return new Map(
      rows.map(row => [
        row.model_id,
        {
          verdict: row.verdict,
          windowEnd: toIsoString(row.window_end),
          version: Number(row.version),
        },
      ]),
    );
  }

  async putReferenceProfile(
    modelId: string,
    version: number,
    features: FeatureProfile[],
    now: Date,
  ): Promise<void> {
    await this.db('reference_profiles')
      .insert({
        model_id: modelId,
        version,
        features: JSON.stringify(features),
        created_at: now,
      })
      .onConflict(['model_id', 'version'])
      .merge(['features', 'created_at']);
  }

  async getReferenceProfile(
    modelId: string,
    version: number,
  ): Promise<ReferenceProfile | undefined> {
    const row = await this.db('reference_profiles')
      .join('models', 'models.id', 'reference_profiles.model_id')
      .where({
        'reference_profiles.model_id': modelId,
        'reference_profiles.version': version,
      })
      .first(
        'models.name as model_name',
        'reference_profiles.version',
        'reference_profiles.features',
        'reference_profiles.created_at',
      );
    return (
      row && {
        model: row.model_name,
        version: Number(row.version),
        features: parseJson<FeatureProfile[]>(row.features, []),
        createdAt: toIsoString(row.created_at),
      }
    );
  }

  async recordBatch(
    batch: Omit<StoredBatch, 'id' | 'model' | 'observedAt'> & {
      observedAt: Date;
    },
    actor: string,
    now: Date,
  ): Promise<string> {
    const id = randomUUID();
    await this.db('drift_batches').insert({
      id,
      model_id: batch.modelId,
      version: batch.version,
      environment: batch.environment,
      observed_at: batch.observedAt,
      values: batch.values,
      features: JSON.stringify(batch.features),
      created_at: now,
      created_by: actor,
    });
    return id;
  }

  async listBatches(query: BatchQuery): Promise<StoredBatch[]> {
    const q = this.db('drift_batches')
      .join('models', 'models.id', 'drift_batches.model_id')
      .select('drift_batches.*', 'models.name as model_name')
      .where({
        'drift_batches.model_id': query.modelId,
        'drift_batches.environment': query.environment,
        'drift_batches.version': query.version,
      })
      .orderBy([
        { column: 'drift_batches.observed_at', order: 'desc' },
        { column: 'drift_batches.id', order: 'desc' },
      ])
      .limit(query.limit);
    if (query.since) q.where('drift_batches.observed_at', '>=', query.since);
    const rows: BatchRow[] = await q;
    return rows.map(toBatch);
  }

  async batchScopes(filter: {
    since?: Date;
    modelId?: string;
    environment?: string;
  }): Promise<BatchScope[]> {
    const q = this.db('drift_batches as b').join(
      'models',
      'models.id',
      'b.model_id',
    );
    if (filter.since) q.where('b.observed_at', '>=', filter.since);
    if (filter.modelId) q.where('b.model_id', filter.modelId);
    if (filter.environment) q.where('b.environment', filter.environment);
    const rows: Array<{
      model_id: string;
      model_name: string;
      environment: string;
      version: number;
    }> = await q
      // The newest batch of each model and environment names the version.
      .whereNotExists(
        this.db('drift_batches as newer')
          .whereRaw('newer.model_id = b.model_id')
          .whereRaw('newer.environment = b.environment')
          .whereRaw(
            '(newer.observed_at > b.observed_at or (newer.observed_at = b.observed_at and newer.id > b.id))',
          ),
      )
      .select(
        'b.model_id',
        'models.name as model_name',
        'b.environment',
        'b.version',
      );
    return rows.map(r => ({
      modelId: r.model_id,
      model: r.model_name,
      environment: r.environment,
      version: Number(r.version),
    }));
  }
}

function toBatch(row: BatchRow): StoredBatch {
  return {
    id: row.id,
    modelId: row.model_id,
    model: row.model_name,
    environment: row.environment,
    version: Number(row.version),
    observedAt: toIsoString(row.observed_at),
    values: Number(row.values),
    features: parseJson<FeatureProfile[]>(row.features, []),
  };
}

function toReport(row: ReportRow): DriftReport {
  const details = parseJson<ReportDetails>(row.details, {});
  return {
    ...(row.environment !== null && { environment: row.environment }),
    ...(details.window !== undefined && { window: details.window }),
    ...(details.batches !== undefined && { batches: details.batches }),
    ...(details.skipped !== undefined && { skipped: details.skipped }),
    id: row.id,
    model: row.model_name,
    version: Number(row.version),
    windowStart: toIsoString(row.window_start),
    windowEnd: toIsoString(row.window_end),
    verdict: row.verdict,
    driftedShare: Number(row.drifted_share),
    retrainingSuggested: Boolean(row.retraining_suggested),
    features: parseJson<FeatureDrift[]>(row.features, []),
    createdAt: toIsoString(row.created_at),
  };
}
