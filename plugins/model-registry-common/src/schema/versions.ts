import { z } from 'zod';
import {
  cursor,
  int32,
  entityRef,
  isoDate,
  metricKey,
  modelName,
  pageSize,
  sha256,
  shortText,
  tag,
  timestamps,
  versionNumber,
} from './primitives';

/** Lifecycle of a version: PENDING until its artifact is stored. */
export const versionStatus = z.enum(['PENDING', 'READY', 'FAILED']);

const parentRelation = z.enum(['fine-tuned', 'distilled', 'retrained']);
const datasetRole = z.enum(['training', 'evaluation', 'other']);
const parameterValue = z.union([z.string(), z.number(), z.boolean()]);

/** One metric value of a version. */
export const metric = z.strictObject({
  key: z.string(),
  value: z.number(),
  /** Data set the metric was computed on, e.g. `holdout-2026-10`. */
  dataset: z.string().optional(),
  /** Training step or epoch. */
  step: z.number().int().optional(),
});

/** A data set a version was trained or evaluated on. */
export const datasetUse = z.strictObject({
  role: datasetRole,
  /** Catalog Resource ref, e.g. `resource:default/card-transactions`. */
  entityRef: z.string().optional(),
  uri: z.string().optional(),
  digest: z.string().optional(),
});

/** The model card of a version. */
export const modelCard = z.strictObject({
  intendedUse: z.string().optional(),
  limitations: z.string().optional(),
  trainingData: z.string().optional(),
  evaluationData: z.string().optional(),
  ethicalConsiderations: z.string().optional(),
  license: z.string().optional(),
});

/** The stored artifact of a version. */
export const artifact = z.strictObject({
  /** Where the bytes are: the registry's own store (`registry`) or an external URI. */
  location: z.enum(['registry', 'external']),
  uri: z.string().optional(),
  sha256: z.string().optional(),
  size: z.number().int().optional(),
  format: z.string().optional(),
});

/** The version a version was derived from, possibly of another model. */
export const parentVersion = z.strictObject({
  model: z.string(),
  version: z.number().int(),
  relation: parentRelation,
});

/** A version of a model, as the REST API returns it. */
export const modelVersion = z
  .strictObject({
    model: z.string(),
    version: z.number().int(),
    status: versionStatus,
    description: z.string(),
    aliases: z.array(z.string()),
    source: z.strictObject({
      runId: z.string().optional(),
      commit: z.string().optional(),
      uri: z.string().optional(),
    }),
    artifact: artifact.optional(),
    parameters: z.record(z.string(), parameterValue),
    metrics: z.array(metric),
    datasets: z.array(datasetUse),
    tags: z.array(z.string()),
    modelCard,
    annotations: z.record(z.string(), z.string()),
    parent: parentVersion.optional(),
    failureReason: z.string().optional(),
    ...timestamps,
  })
  .meta({ id: 'ModelVersion' });

/**
 * Bounds of what a version carries, so that any answer holding versions
 * (a page, a comparison, the audit trail) stays within bounded memory.
 */
export const versionLimits = {
  /** Parameters of a version. */
  maxParameters: 500,
  /** Characters of the parameters' JSON (256 KiB of ASCII). */
  maxParametersJson: 262_144,
  /** Annotations of a version. */
  maxAnnotations: 100,
  /** Characters of the annotations' JSON (64 KiB of ASCII). */
  maxAnnotationsJson: 65_536,
} as const;

const jsonLength = (value: unknown) => JSON.stringify(value).length;

/** Annotations: string keys and values integrations keep on a record. */
export const annotations = z
  .record(
    z.string().regex(/^[a-z0-9.\-/]{1,128}$/, 'invalid annotation key'),
    shortText(4096),
  )
  .refine(
    a => Object.keys(a).length <= versionLimits.maxAnnotations,
    `at most ${versionLimits.maxAnnotations} annotations`,
  )
  .refine(
    a => jsonLength(a) <= versionLimits.maxAnnotationsJson,
    `annotations take at most ${versionLimits.maxAnnotationsJson} characters of JSON`,
  );

/** The fields a client sends to register a version. */
export const registerVersionRequest = z.strictObject({
  description: shortText(10_000).optional(),
  source: z
    .strictObject({
      runId: shortText(255).optional(),
      commit: z
        .string()
        .regex(/^[a-f0-9]{7,64}$/, 'a git commit hash')
        .optional(),
      uri: z.url().max(2048).optional(),
    })
    .optional(),
  /** An artifact kept elsewhere; without it, upload one to make the version READY. */
  artifact: z
    .strictObject({
      uri: z.url().max(2048),
      sha256: sha256.optional(),
      size: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
      format: shortText(64).optional(),
    })
    .optional(),
  /** Format of an artifact that will be uploaded, e.g. `onnx`. */
  artifactFormat: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'invalid artifact format')
    .optional(),
  parameters: z
    .record(
      z.string().regex(/^[A-Za-z0-9_.\-/]{1,128}$/, 'invalid parameter name'),
      z.union([z.string().max(4096), z.number(), z.boolean()]),
    )
    .refine(
      p => Object.keys(p).length <= versionLimits.maxParameters,
      `at most ${versionLimits.maxParameters} parameters`,
    )
    .refine(
      p => jsonLength(p) <= versionLimits.maxParametersJson,
      `parameters take at most ${versionLimits.maxParametersJson} characters of JSON`,
    )
    .optional(),
  metrics: z
    .array(
      z.strictObject({
        key: metricKey,
        value: z.number(),
        dataset: shortText(255).optional(),
        step: int32.min(0).optional(),
      }),
    )
    .max(1000)
    .optional(),
  datasets: z
    .array(
      z
        .strictObject({
          role: datasetRole,
          entityRef: entityRef.optional(),
          uri: z.url().max(2048).optional(),
          digest: z
            .string()
            .regex(/^[a-z0-9]+:[a-f0-9]{16,128}$/, 'digest like sha256:<hex>')
            .optional(),
        })
        .refine(
          d => d.entityRef || d.uri,
          'a dataset needs an entityRef or a uri',
        ),
    )
    .max(100)
    .optional(),
  tags: z.array(tag).max(50).optional(),
  modelCard: z
    .strictObject({
      intendedUse: shortText(20_000).optional(),
      limitations: shortText(20_000).optional(),
      trainingData: shortText(20_000).optional(),
      evaluationData: shortText(20_000).optional(),
      ethicalConsiderations: shortText(20_000).optional(),
      license: shortText(255).optional(),
    })
    .optional(),
  annotations: annotations.optional(),
  parent: z
    .strictObject({
      model: modelName,
      version: int32.min(1),
      relation: parentRelation,
    })
    .optional(),
});

/** What may change on a version once it is READY. */
export const updateVersionRequest = z.strictObject({
  description: shortText(10_000).optional(),
  tags: z.array(tag).max(50).optional(),
  annotations: annotations.optional(),
});

export const failVersionRequest = z.strictObject({
  reason: z.string().min(1).max(2000),
});

/** `accuracy>=0.9`, read as `{ key, op, value }`. */
const metricCondition = z
  .string()
  .regex(
    /^[A-Za-z0-9_.\-/]{1,128}(>=|<=|>|<|=)-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$/,
    'metric condition like accuracy>=0.9',
  )
  .transform(text => {
    const [, key, op, value] = /^(.+?)(>=|<=|>|<|=)(.+)$/.exec(text)!;
    return {
      key,
      op: op as '>' | '>=' | '<' | '<=' | '=',
      value: Number(value),
    };
  });

/** Query of a version search across models. */
export const searchVersionsQuery = z.strictObject({
  model: modelName.optional(),
  status: versionStatus.optional(),
  tag: tag.optional(),
  metric: z
    .union([metricCondition, z.array(metricCondition).max(10)])
    .optional()
    .meta({ description: 'Metric condition, repeatable: accuracy>=0.9' }),
  createdAfter: isoDate.optional(),
  createdBefore: isoDate.optional(),
  order: z.enum(['asc', 'desc']).optional(),
  limit: pageSize(200),
  cursor,
});

/** Query of the versions of one model. */
export const listVersionsQuery = searchVersionsQuery.omit({ model: true });

export const versionPathParams = z.strictObject({
  name: modelName,
  version: versionNumber,
});

export const uploadArtifactQuery = z.strictObject({
  sha256: sha256
    .optional()
    .meta({ description: 'Expected digest; the upload fails on a mismatch' }),
});

export const compareVersionsQuery = z.strictObject({
  versions: z
    .string()
    .regex(
      /^[1-9][0-9]{0,8}(,[1-9][0-9]{0,8}){1,9}$/,
      'two to ten version numbers, comma-separated',
    )
    .transform(v => [...new Set(v.split(',').map(Number))]),
});

/** One row of a side-by-side comparison. */
export const comparisonRow = z.strictObject({
  key: z.string(),
  /** Value per version number; null where the version has none. */
  values: z.record(
    z.string(),
    z.union([z.string(), z.number(), z.boolean(), z.null()]),
  ),
  differs: z.boolean(),
});

/** Versions side by side. */
export const versionComparison = z.strictObject({
  versions: z.array(modelVersion),
  parameters: z.array(comparisonRow),
  metrics: z.array(comparisonRow),
  datasets: z.array(comparisonRow),
  artifacts: z.array(comparisonRow),
});

export const metricTrendParams = z.strictObject({
  name: modelName,
  key: metricKey,
});

/** One point of a metric trend. */
export const metricTrendPoint = z.strictObject({
  version: z.number().int(),
  value: z.number(),
  dataset: z.string().optional(),
  step: z.number().int().optional(),
});

/** How many versions the trend and the lineage graph show, by default and at most. */
export const graphLimits = {
  trendVersions: { default: 1000, max: 10_000 },
  /** Points of a trend at most (a version may carry a metric at many steps). */
  trendPoints: 20_000,
  lineageVersions: { default: 500, max: 2000 },
} as const;

/** Present when an answer leaves out versions: it shows the newest ones. */
export const truncation = z
  .strictObject({
    /** The bound that applied. */
    limit: z.number().int(),
    /** How many versions there are. */
    versions: z.number().int(),
    /** How many of them the answer shows (the newest). */
    shown: z.number().int(),
  })
  .meta({ id: 'Truncation' });

/** `?versions=N`: how many of the newest versions to show. */
const versionsBound = (max: number) =>
  z.coerce
    .number<number | string>()
    .int()
    .min(1)
    .max(max)
    .optional()
    .meta({
      description: `How many of the newest versions to show, 1 to ${max}`,
    });

export const metricTrendQuery = z.strictObject({
  versions: versionsBound(graphLimits.trendVersions.max),
});

/**
 * One metric over the READY versions of a model, oldest first: the newest
 * `versions` of those carrying the metric, and at most
 * `graphLimits.trendPoints` points (whole versions).
 */
export const metricTrend = z
  .strictObject({
    items: z.array(metricTrendPoint),
    truncated: truncation.optional(),
  })
  .meta({ id: 'MetricTrend' });
