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
}

/** The audit trail in the `audit_events` table. */
export class DatabaseAuditStore implements AuditStore {
  constructor(private readonly db: Knex) {}

  async append(entry: AuditEntry, now: Date): Promise<void> {
    await this.db('audit_events').insert({
      model_id: entry.modelId ?? null,
      model_name: entry.modelName ?? null,
      version: entry.version ?? null,
      action: entry.action,
      actor: entry.actor,
      target: entry.target,
      before: entry.before === undefined ? null : JSON.stringify(entry.before),
      after: entry.after === undefined ? null : JSON.stringify(entry.after),
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
