import { z } from 'zod';
import { modelName } from './primitives';
import { modelVersion, registerVersionRequest } from './versions';

/** The most versions one batch registers. */
export const MAX_BATCH_VERSIONS = 100;

/**
 * Versions of one or more models registered together, for importers: all
 * of them or none, numbered in the order given.
 */
export const registerVersionsRequest = z.strictObject({
  items: z
    .array(
      z.strictObject({
        model: modelName,
        version: registerVersionRequest,
      }),
    )
    .min(1)
    .max(MAX_BATCH_VERSIONS),
});

/** The registered versions, in the order of the request. */
export const registeredVersions = z.strictObject({
  items: z.array(modelVersion),
});
