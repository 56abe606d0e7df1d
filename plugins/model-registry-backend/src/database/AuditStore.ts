import { AuditQuery, AuditRecord } from '@mlreg/plugin-model-registry-common';
import { Knex } from 'knex';
import { parseJson, toIsoString } from './util';

/** One change, as the service describes it. */
export type AuditEntry = Pick<
  AuditRecord,
  'action' | 'actor' | 'target' | 'version' | 'before' | 'after' | 'requestId'
> & { modelId?: string; modelName?: string };

/** A validated page request on the audit trail of a model. */
export type AuditRecordQuery = Pick<
  AuditQuery,
  'version' | 'action' | 'actor'
> & {
  modelName: string;
  /** Records older than this id (newest first paging). */
  beforeId?: number;
  limit: number;
};

/** The append-only audit trail. */
export interface AuditStore {
  append(entry: AuditEntry, now: Date): Promise<void>;
  /** Records of a model, newest first. */
  list(query: AuditRecordQuery): Promise<AuditRecord[]>;
  /**
   * Files a renamed model's records under its new name, so its trail
   * follows it; the records themselves stay as written.
   */
  renameModel(modelId: string, name: string): Promise<void>;
}

/**
 * Characters of JSON an audit record keeps of a before or after snapshot,
 * so a page of 200 records stays a few MiB whatever the changes carried.
 */
export const MAX_AUDIT_SNAPSHOT = 16_384;

/**
 * A snapshot as JSON of at most {@link MAX_AUDIT_SNAPSHOT} characters. One
 * that is larger keeps its smallest top-level fields that fit, and names
 * the others with their JSON size under `omitted` (e.g. the parameters of a
 * registered version, which the version itself keeps).
 */
export function boundedJson(snapshot: unknown): string {
  const json = JSON.stringify(snapshot);
  if (json.length <= MAX_AUDIT_SNAPSHOT) return json;
  if (!snapshot || typeof snapshot !== 'object' || Array.isArray(snapshot)) {
    return JSON.stringify({ omitted: { value: json.length } });
  }
  const fields = Object.entries(snapshot)
    .map(([key, value]) => ({ key, json: JSON.stringify(value) ?? 'null' }))
    .sort((a, b) => a.json.length - b.json.length);
  // Room for the `omitted` summary: a key and a size per field at most.
  let room =
    MAX_AUDIT_SNAPSHOT -
    fields.reduce((sum, f) => sum + JSON.stringify(f.key).length + 12, 16);
  const kept: string[] = [];
  const omitted: string[] = [];
  for (const field of fields) {
    const size = JSON.stringify(field.key).length + 1 + field.json.length + 1;
    if (field.key !== 'omitted' && size <= room) {
      kept.push(`${JSON.stringify(field.key)}:${field.json}`);
      room -= size;
    } else {
      omitted.push(`${JSON.stringify(field.key)}:${field.json.length}`);
    }
  }
  const bounded = `{${[...kept, `"omitted":{${omitted.join(',')}}`].join(
    ',',
  )}}`;
  return bounded.length <= MAX_AUDIT_SNAPSHOT
    ? bounded
    : JSON.stringify({ omitted: { value: json.length } });
}

/** The audit trail in the `audit_events` table. */
export class DatabaseAuditStore implements AuditStore {
  constructor(private readonly db: Knex) {}

  async renameModel(modelId: string, name: string): Promise<void> {
    await this.db('audit_events')
      .where({ model_id: modelId })
      .update({ model_name: name });
  }

  async append(entry: AuditEntry, now: Date): Promise<void> {
    await this.db('audit_events').insert({
      model_id: entry.modelId ?? null,
      model_name: entry.modelName ?? null,
      version: entry.version ?? null,
      action: entry.action,
      actor: entry.actor,
      target: entry.target,
      before: entry.before === undefined ? null : boundedJson(entry.before),
      after: entry.after === undefined ? null : boundedJson(entry.after),
      request_id: entry.requestId ?? null,
      created_at: now,
    });
  }

  async list(query: AuditRecordQuery): Promise<AuditRecord[]> {
    const q = this.db('audit_events')
      .where('model_name', query.modelName)
      .orderBy('id', 'desc')
      .limit(query.limit);
    if (query.version !== undefined) q.where('version', query.version);
    if (query.action) q.where('action', query.action);
    if (query.actor) q.where('actor', query.actor);
    if (query.beforeId !== undefined) q.where('id', '<', query.beforeId);
    const rows = await q;
    return rows.map(row => ({
      id: String(row.id),
      action: row.action,
      actor: row.actor,
      target: row.target,
      model: row.model_name ?? undefined,
      version: row.version === null ? undefined : Number(row.version),
      before: parseJson(row.before, undefined),
      after: parseJson(row.after, undefined),
      requestId: row.request_id ?? undefined,
      createdAt: toIsoString(row.created_at),
    }));
  }
}
