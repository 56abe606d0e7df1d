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
};

/** What the drift engine records for one window. */
export type NewDriftReport = Pick<
  DriftReport,
  'version' | 'verdict' | 'driftedShare' | 'retrainingSuggested' | 'features'
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
}

function toReport(row: ReportRow): DriftReport {
  return {
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
