import { Kpi } from '@mlreg/plugin-model-registry-common';
import { Knex } from 'knex';
import { toIsoString } from './util';

type KpiRow = {
  id: number | string;
  name: string;
  value: number;
  unit: string;
  period: string;
  source: string;
  version: number | null;
  updated_at: Date | string | number;
  updated_by: string;
};

/** A KPI value to record, on the model or on one of its versions. */
export type NewKpi = Pick<
  Kpi,
  'name' | 'value' | 'unit' | 'period' | 'source'
> & {
  versionId?: string;
};

/**
 * Business KPIs of models and versions. Every change is recorded, so the
 * current value is the newest per name and version, and the history is all
 * of them.
 */
export interface KpiStore {
  record(modelId: string, kpi: NewKpi, actor: string, now: Date): Promise<void>;
  /** The current value of every KPI of the model and its versions, by name. */
  current(modelId: string): Promise<Kpi[]>;
  /** Every recorded value of one KPI, newest first. */
  history(modelId: string, name: string, limit: number): Promise<Kpi[]>;
}

/** KPIs in the `model_kpis` table: one row per recorded value. */
export class DatabaseKpiStore implements KpiStore {
  constructor(private readonly db: Knex) {}

  async record(
    modelId: string,
    kpi: NewKpi,
    actor: string,
    now: Date,
  ): Promise<void> {
    await this.db('model_kpis').insert({
      model_id: modelId,
      version_id: kpi.versionId ?? null,
      name: kpi.name,
      value: kpi.value,
      unit: kpi.unit,
      period: kpi.period,
      source: kpi.source,
      updated_at: now,
      updated_by: actor,
    });
  }

  async current(modelId: string): Promise<Kpi[]> {
    const latest = this.db('model_kpis')
      .where('model_id', modelId)
      .groupBy('name', 'version_id')
      .max({ id: 'id' });
    const rows = await this.select(modelId)
      .whereIn('model_kpis.id', latest)
      .orderBy(['model_kpis.name', 'model_kpis.id']);
    return rows.map(toKpi);
  }

  async history(modelId: string, name: string, limit: number): Promise<Kpi[]> {
    const rows = await this.select(modelId)
      .where('model_kpis.name', name)
      .orderBy('model_kpis.id', 'desc')
      .limit(limit);
    return rows.map(toKpi);
  }

  private select(modelId: string): Knex.QueryBuilder<any, KpiRow[]> {
    return this.db('model_kpis')
      .leftJoin('model_versions', 'model_versions.id', 'model_kpis.version_id')
      .where('model_kpis.model_id', modelId)
      .select(
        'model_kpis.id',
        'model_kpis.name',
        'model_kpis.value',
        'model_kpis.unit',
        'model_kpis.period',
        'model_kpis.source',
        'model_versions.version',
        'model_kpis.updated_at',
        'model_kpis.updated_by',
      );
  }
}

function toKpi(row: KpiRow): Kpi {
  return {
    name: row.name,
    value: Number(row.value),
    unit: row.unit,
    period: row.period,
    source: row.source,
    ...(row.version === null ? {} : { version: Number(row.version) }),
    updatedAt: toIsoString(row.updated_at),
    updatedBy: row.updated_by,
  };
}
