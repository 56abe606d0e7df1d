import { z } from 'zod';

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
  })
  .meta({ id: 'LineageGraph' });
