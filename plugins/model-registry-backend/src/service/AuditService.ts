import { AuditRecord, Page } from '@mlreg/plugin-model-registry-common';
import { RegistryStores } from '../database/RegistryDatabase';
import { isWholeNumber, readPage } from './cursor';

/** Reads the audit trail of a model, newest first. */
export class AuditService {
  constructor(private readonly db: RegistryStores) {}

  async list(query: {
    model: string;
    version?: number;
    action?: string;
    actor?: string;
    limit: number;
    cursor?: string;
  }): Promise<Page<AuditRecord>> {
    return readPage({
      cursor: query.cursor,
      limit: query.limit,
      accept: c =>
        isWholeNumber(c.before, 1, Number.MAX_SAFE_INTEGER)
          ? { before: c.before }
          : undefined,
      read: (after, limit) =>
        this.db.read.audit.list({
          modelName: query.model,
          version: query.version,
          action: query.action,
          actor: query.actor,
          beforeId: after?.before,
          limit,
        }),
      position: last => ({ before: Number(last.id) }),
    });
  }
}
