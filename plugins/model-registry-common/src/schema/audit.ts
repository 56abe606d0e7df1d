import { z } from 'zod';
import {
  cursor,
  pageSize,
  shortText,
  timestamp,
  versionNumber,
} from './primitives';

/** A record of the audit trail. */
export const auditRecord = z
  .strictObject({
    id: z.string(),
    action: z.string(),
    actor: z.string(),
    target: z.string(),
    model: z.string().optional(),
    version: z.number().int().optional(),
    before: z.unknown().optional(),
    after: z.unknown().optional(),
    requestId: z.string().optional(),
    createdAt: timestamp,
  })
  .meta({ id: 'AuditRecord' });

/** Query of the audit trail of a model. */
export const auditQuery = z.strictObject({
  version: versionNumber.optional(),
  action: shortText(64).optional(),
  actor: shortText(255).optional(),
  limit: pageSize(200),
  cursor,
});
