import { z } from 'zod';
import { entityRef, shortText, timestamp } from './primitives';
import { graphLimits, truncation } from './versions';

/** The states a run reports, as OpenLineage names them. */
export const runEventType = z.enum([
  'START',
  'RUNNING',
  'COMPLETE',
  'ABORT',
  'FAIL',
  'OTHER',
]);

/** A dataset a run read. */
const runInput = z.strictObject({
  namespace: shortText(1024).min(1),
  name: shortText(1024).min(1),
  /** The catalog Resource the dataset is, when known. */
  entityRef: entityRef.optional(),
});

/** What a lineage emitter reports about a run that produced a version. */
export const recordVersionRunRequest = z.strictObject({
  runId: shortText(255).min(1),
  /** The job, e.g. `airflow-prod/train_fraud.fit`. */
  job: shortText(512).min(1),
  eventType: runEventType,
  eventTime: z.iso.datetime({ offset: true }),
  /** URI of the emitter, e.g. the OpenLineage integration that sent it. */
  producer: shortText(2048).optional(),
  inputs: z.array(runInput).max(200),
});

/**
 * A run that produced a version: its latest state (by event time; at equal
 * times a final state wins) and every input dataset any of its events named.
 */
export const versionRun = z
  .strictObject({
    runId: z.string(),
    job: z.string(),
    eventType: runEventType,
    eventTime: timestamp,
    producer: z.string().optional(),
    inputs: z.array(runInput),
    updatedAt: timestamp,
  })
  .meta({ id: 'VersionRun' });

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

/**
 * A version as a CycloneDX 1.6 ML-BOM: a `machine-learning-model`
 * component with its model card, metrics, datasets and lineage.
 */
export const cycloneDxBom = z
  .looseObject({
    bomFormat: z.literal('CycloneDX'),
    specVersion: z.literal('1.6'),
    serialNumber: z.string(),
    version: z.number().int(),
    metadata: z.record(z.string(), z.unknown()),
    components: z.array(z.record(z.string(), z.unknown())),
    dependencies: z.array(z.record(z.string(), z.unknown())),
  })
  .meta({ id: 'CycloneDxBom' });

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
