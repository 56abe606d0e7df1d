import { AuditRecord } from '@mlreg/plugin-model-registry-common';
import { Knex } from 'knex';
import { parseJson, toIsoString } from './util';

/** One change, as the service describes it. */
export interface AuditEntry {
  action: string;
  actor: string;
  target: string;
  modelId?: string;
  modelName?: string;
  version?: number;
  before?: unknown;
  after?: unknown;
  requestId?: string;
}

/** A validated page request on the audit trail. */
export interface AuditQuery {
  modelName: string;
  version?: number;
  action?: string;
  actor?: string;
  /** Records older than this id (newest first paging). */
  beforeId?: number;
  limit: number;
}

/** SQL for the append-only audit trail. */
export class AuditStore {
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

  async list(query: AuditQuery): Promise<AuditRecord[]> {
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
