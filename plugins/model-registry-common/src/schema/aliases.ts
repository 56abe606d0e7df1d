import { z } from 'zod';
import { aliasName, int32, modelName, timestamp } from './primitives';

/** An alias and the version it points to. */
export const modelAlias = z
  .strictObject({
    alias: z.string(),
    version: z.number().int(),
    updatedAt: timestamp,
    updatedBy: z.string(),
  })
  .meta({ id: 'ModelAlias' });

export const aliasPathParams = z.strictObject({
  name: modelName,
  alias: aliasName,
});

export const setAliasRequest = z.strictObject({
  version: int32.min(1),
});
