import { z } from 'zod';
import { graphLimits, truncation } from './versions';

/** A node of a lineage graph. */
export const lineageNode = z.strictObject({
  /** Unique within the graph, e.g. `version:fraud-detector/3`. */
  id: z.string(),
  kind: z.enum([
    'model',
    'version',
    'dataset',
    'run',
    'commit',
    'component',
    'deployment',
  ]),
  label: z.string(),
  /** Catalog entity ref when the node is a catalog entity. */
  entityRef: z.string().optional(),
});

/** A typed edge of a lineage graph. */
export const lineageEdge = z.strictObject({
  from: z.string(),
  to: z.string(),
  type: z.enum([
    'versionOf',
    'trainedOn',
    'evaluatedOn',
    'producedBy',
    'builtFrom',
    'derivedFrom',
    'consumes',
    'deployedAs',
  ]),
});

/** The lineage graph of a model. */
export const lineageGraph = z
  .strictObject({
    nodes: z.array(lineageNode),
    edges: z.array(lineageEdge),
    /**
     * Present when the graph leaves out versions of the model: it holds
     * the newest `shown` of its `versions`, and at most `limit` versions of
     * other models derived from them.
     */
    truncated: truncation.optional(),
  })
  .meta({ id: 'LineageGraph' });

/** `?versions=N`: how many of the newest versions the graph shows. */
export const lineageQuery = z.strictObject({
  versions: z.coerce
    .number<number | string>()
    .int()
    .min(1)
    .max(graphLimits.lineageVersions.max)
    .optional()
    .meta({
      description: `How many of the newest versions to show, 1 to ${graphLimits.lineageVersions.max}`,
    }),
});
