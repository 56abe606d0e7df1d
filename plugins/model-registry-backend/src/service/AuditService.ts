import { AuditRecord, Page } from '@mlreg/plugin-model-registry-common';
import { RegistryDatabase } from '../database/RegistryDatabase';
import { decodeCursor, encodeCursor } from './cursor';

/** Reads the audit trail of a model, newest first. */
export class AuditService {
  constructor(private readonly db: RegistryDatabase) {}

  async list(query: {
    model: string;
    version?: number;
    action?: string;
    actor?: string;
    limit: number;
    cursor?: string;
  }): Promise<Page<AuditRecord>> {
    const beforeId = query.cursor
      ? decodeCursor(query.cursor, c =>
          typeof c.before === 'number' ? c.before : undefined,
        )
      : undefined;
    const rows = await this.db.read.audit.list({
      modelName: query.model,
      version: query.version,
      action: query.action,
      actor: query.actor,
      beforeId,
      limit: query.limit + 1,
    });
    if (rows.length <= query.limit) return { items: rows };
    const page = rows.slice(0, query.limit);
    return {
      items: page,
      nextCursor: encodeCursor({ before: Number(page[page.length - 1].id) }),
    };
  }
}
