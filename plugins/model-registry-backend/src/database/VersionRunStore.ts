import { VersionRun } from '@mlreg/plugin-model-registry-common';
import { Knex } from 'knex';
import { groupBy, parseJson, toIsoString } from './util';

type VersionRunRow = {
  version_id: string;
  run_id: string;
  job: string;
  event_type: string;
  event_time: Date | string | number;
  producer: string | null;
  inputs: string;
  updated_at: Date | string | number;
};

/** The runs reported for versions by lineage emitters. */
export interface VersionRunStore {
  get(versionId: string, runId: string): Promise<VersionRun | undefined>;
  /** Writes the run's row, replacing what it held. */
  put(versionId: string, run: VersionRun): Promise<void>;
  /** The runs of the given versions, by version id. */
  listForVersions(versionIds: string[]): Promise<Map<string, VersionRun[]>>;
}

export class DatabaseVersionRunStore implements VersionRunStore {
  constructor(private readonly db: Knex) {}

  async get(versionId: string, runId: string) {
    const row = await this.db<VersionRunRow>('version_runs')
      .where({ version_id: versionId, run_id: runId })
      .first();
    return row && toRun(row);
  }

  async put(versionId: string, run: VersionRun): Promise<void> {
    const row = {
      version_id: versionId,
      run_id: run.runId,
      job: run.job,
      event_type: run.eventType,
      event_time: new Date(run.eventTime),
      producer: run.producer ?? null,
      inputs: JSON.stringify(run.inputs),
      updated_at: new Date(run.updatedAt),
    };
    await this.db('version_runs')
      .insert(row)
      .onConflict(['version_id', 'run_id'])
      .merge();
  }

  async listForVersions(versionIds: string[]) {
    if (versionIds.length === 0) return new Map<string, VersionRun[]>();
    const rows: VersionRunRow[] = await this.db<VersionRunRow>('version_runs')
      .whereIn('version_id', versionIds)
      .orderBy([
        { column: 'event_time', order: 'asc' },
        { column: 'run_id', order: 'asc' },
      ]);
    const byVersion = groupBy(rows, r => r.version_id);
    return new Map(
      [...byVersion].map(([id, list]) => [id, list.map(toRun)] as const),
    );
  }
}

function toRun(row: VersionRunRow): VersionRun {
  return {
    runId: row.run_id,
    job: row.job,
    eventType: row.event_type as VersionRun['eventType'],
    eventTime: toIsoString(row.event_time),
    ...(row.producer ? { producer: row.producer } : {}),
    inputs: parseJson<VersionRun['inputs']>(row.inputs, []),
    updatedAt: toIsoString(row.updated_at),
  };
}
