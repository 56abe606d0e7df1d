import { z } from 'zod';
import { deploymentStatus, driftVerdict } from './models';
import {
  cursor,
  environmentName,
  int32,
  isoDate,
  modelName,
  pageSize,
  shortText,
  timestamp,
  versionNumber,
} from './primitives';

/** Where a deployment runs. */
export const deploymentTarget = z.strictObject({
  cluster: z.string(),
  namespace: z.string(),
  /** What serves the model, e.g. `kserve` or `deployment`. */
  kind: z.string(),
});

/** One step of a deployment's status history. */
export const deploymentStatusChange = z.strictObject({
  status: deploymentStatus,
  at: timestamp,
  message: z.string().optional(),
});

/** Where the analysis of one guardrail stands (Argo Rollouts semantics). */
export const guardrailSummary = z.strictObject({
  name: z.string(),
  phase: z.enum(['running', 'successful', 'failed', 'inconclusive', 'error']),
  successful: z.number().int(),
  failed: z.number().int(),
  inconclusive: z.number().int(),
  errors: z.number().int(),
});

/** A version of a model rolled out to an environment. */
export const deployment = z
  .strictObject({
    id: z.string(),
    model: z.string(),
    version: z.number().int(),
    /** e.g. `staging`, `production`. */
    environment: z.string(),
    target: deploymentTarget,
    status: deploymentStatus,
    /** The version this deployment replaced in its environment, for rollbacks. */
    replacedVersion: z.number().int().optional(),
    /** Oldest first; the last entry is the current status. */
    history: z.array(deploymentStatusChange),
    /** What started it: a request, a move of the followed alias, a rollback. */
    trigger: z
      .enum(['manual', 'alias', 'rollback', 'auto-rollback'])
      .optional(),
    /** For a rollback: the deployment it replaced. */
    rollbackOf: z.string().optional(),
    /** Where the model answers, once known. */
    url: z.string().optional(),
    /** The guardrails' analysis during the bake time. */
    guardrails: z.array(guardrailSummary).optional(),
    createdAt: timestamp,
    createdBy: z.string(),
    updatedAt: timestamp,
  })
  .meta({ id: 'Deployment' });

/** The query of a model's deployments, newest first. */
export const listDeploymentsQuery = z.strictObject({
  environment: environmentName.optional(),
  limit: pageSize(100).meta({ description: 'Page size, 1-100 (default 50)' }),
  cursor,
});

/** A deployment of one of a model's deployments, in a path. */
export const deploymentPathParams = z.strictObject({
  name: modelName,
  id: z.uuid({ error: 'must be a deployment id (a UUID)' }),
});

/** Deploy a READY version to a configured environment. */
export const createDeploymentRequest = z.strictObject({
  environment: environmentName,
  version: int32.min(1),
});

/** Return an environment to an earlier successful deployment. */
export const rollbackDeploymentRequest = z.strictObject({
  /** Why, for the history and the `deployment.rolled_back` event. */
  reason: shortText(1000).optional(),
});

/** A pipeline's report on a deployment it runs (environments in `cicd` mode). */
export const deploymentStatusReport = z.strictObject({
  status: z.enum(['progressing', 'succeeded', 'failed']),
  message: shortText(2000).optional(),
  url: z
    .url({ protocol: /^https?$/ })
    .max(2048)
    .optional(),
});

/** A configured environment, and what it serves of one model. */
export const modelEnvironment = z
  .strictObject({
    name: z.string(),
    /** The alias whose moves deploy here. */
    alias: z.string().optional(),
    mode: z.enum(['kubernetes', 'cicd']),
    targetKind: z.string(),
    cluster: z.string(),
    namespace: z.string(),
    /** Whether a module that deploys `targetKind` is installed. */
    available: z.boolean(),
    autoRollback: z.boolean(),
    bakeTimeSeconds: z.number().int(),
    guardrails: z.array(z.string()),
    /** The version the followed alias names. */
    aliasVersion: z.number().int().optional(),
    /** The version of the newest successful deployment. */
    servingVersion: z.number().int().optional(),
    servingDeployment: z.string().optional(),
    /** A rollout under way. */
    activeDeployment: z.string().optional(),
    /** The newest comparison of the alias with what the cluster serves. */
    sync: z
      .strictObject({
        inSync: z.boolean(),
        servedVersion: z.number().int().optional(),
        message: z.string().optional(),
        checkedAt: timestamp,
      })
      .optional(),
  })
  .meta({ id: 'ModelEnvironment' });

/** A histogram: `counts[i]` values fell in `[binEdges[i], binEdges[i + 1])`. */
export const histogram = z.strictObject({
  binEdges: z.array(z.number()),
  counts: z.array(z.number()),
});

/** The drift of one feature in one window. */
export const featureDrift = z.strictObject({
  feature: z.string(),
  /** The statistic's name, e.g. `psi`, `ks`, `wasserstein`. */
  method: z.string(),
  score: z.number(),
  /** The feature drifts when its score reaches the threshold. */
  threshold: z.number(),
  drifted: z.boolean(),
  /** The production distribution in this window, on the reference's bins. */
  current: histogram.optional(),
  /** The test statistic behind a p-value score (KS D, χ², z). */
  statistic: z.number().optional(),
  /** How the score was computed where it matters: p-value method, PSI empty-bin rule, log base. */
  details: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
});

/** The drift of a model's production traffic in one window. */
export const driftReport = z
  .strictObject({
    id: z.string(),
    model: z.string(),
    /** The version that served during the window. */
    version: z.number().int(),
    windowStart: timestamp,
    windowEnd: timestamp,
    verdict: driftVerdict,
    /** Share of features that drifted, 0..1. */
    driftedShare: z.number().min(0).max(1),
    /** Whether the drift is bad enough to retrain the model. */
    retrainingSuggested: z.boolean(),
    features: z.array(featureDrift),
    createdAt: timestamp,
    /** The environment whose production traffic was checked. */
    environment: z.string().optional(),
    /** How the window was chosen: `hour`, `day` or `rolling`. */
    window: z.string().optional(),
    /** Production batches merged into the window. */
    batches: z.number().int().optional(),
    /** Features left out of the verdict, and why (too few values, none sent). */
    skipped: z
      .array(z.strictObject({ feature: z.string(), reason: z.string() }))
      .optional(),
  })
  .meta({ id: 'DriftReport' });

/** The query of a model's drift reports, newest window first. */
export const listDriftReportsQuery = z.strictObject({
  version: versionNumber
    .optional()
    .meta({ description: 'Only windows served by this version' }),
  since: isoDate
    .optional()
    .meta({ description: 'Only windows that end at or after this time' }),
  limit: pageSize(100).meta({ description: 'Page size, 1-100 (default 50)' }),
  cursor,
});

/** Summary statistics of a numeric feature. */
export const featureStats = z.strictObject({
  count: z.number(),
  mean: z.number().optional(),
  std: z.number().optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  missing: z.number().optional(),
  /** NaN and ±Infinity values, dropped before any statistic. */
  nonFinite: z.number().optional(),
});

const count = z.number().int().min(0);

/** Bucket counts of one sign of a quantile sketch: `counts[i]` is bucket `offset + i`. */
export const sketchStore = z.strictObject({
  offset: z.number().int().min(-100_000).max(100_000),
  counts: z.array(count).max(4096),
});

/**
 * A log-bucket quantile sketch: a value x ≠ 0 is in bucket ⌈log_γ |x|⌉ of its
 * sign, γ = (1 + alpha) / (1 − alpha); magnitudes below 1e-9 count as zero.
 */
export const quantileSketch = z.strictObject({
  alpha: z.literal(0.01),
  zero: count,
  positive: sketchStore,
  negative: sketchStore,
});

/** A value and how often it occurred. */
export const valueCount = <T extends z.ZodType>(value: T) =>
  z.strictObject({ value, count });

/**
 * The training-time distribution of a numeric feature: fixed bin edges with
 * their counts, the counts below the first and above the last edge, summary
 * statistics, a quantile sketch, every value while there are at most 10,000,
 * and the distinct values while there are at most 20.
 */
export const numericFeatureProfile = z.strictObject({
  feature: z.string().min(1).max(256),
  kind: z.literal('numeric').optional(),
  histogram,
  below: count.optional(),
  above: count.optional(),
  stats: featureStats,
  sketch: quantileSketch.optional(),
  sample: z.array(z.number()).max(10_000).optional(),
  distinct: z.array(valueCount(z.number())).max(20).optional(),
});

/** The training-time distribution of a categorical feature: top values and the rest. */
export const categoricalFeatureProfile = z.strictObject({
  feature: z.string().min(1).max(256),
  kind: z.literal('categorical'),
  categories: z.array(valueCount(z.string().max(256))).max(1000),
  /** Values outside the listed categories. */
  other: count,
  stats: featureStats,
});

/** The training-time distribution of one feature. */
export const featureProfile = z.union([
  numericFeatureProfile,
  categoricalFeatureProfile,
]);

/** The reference distributions drift is measured against, per version. */
export const referenceProfile = z
  .strictObject({
    model: z.string(),
    version: z.number().int(),
    features: z.array(featureProfile),
    createdAt: timestamp,
  })
  .meta({ id: 'ReferenceProfile' });

/**
 * Production values of one feature already counted on the reference's bins:
 * `counts` has one entry below the first edge, one per bin, one above the
 * last edge (numeric), or `categories` maps values to counts (categorical).
 */
export const binnedFeature = z.union([
  z.strictObject({
    feature: z.string().min(1).max(256),
    counts: z.array(count).min(2).max(1002),
    missing: count.optional(),
    nonFinite: count.optional(),
  }),
  z.strictObject({
    feature: z.string().min(1).max(256),
    categories: z.record(z.string().max(256), count),
    missing: count.optional(),
  }),
]);

/** The data formats of reference and production data uploads. */
export const datasetFormat = z.enum(['csv', 'jsonl']);

/** The query of a reference data upload. */
export const referenceDataQuery = z.strictObject({
  format: datasetFormat.meta({
    description:
      'csv: RFC 4180 with a header row; jsonl: one JSON object per line',
  }),
});

/** A precomputed reference profile. */
export const putReferenceProfileRequest = z.strictObject({
  features: z.array(featureProfile).min(1).max(1000),
});

/** The path of a model's production data in one environment. */
export const environmentPathParams = z.strictObject({
  name: modelName,
  environment: environmentName,
});

/** Which version served a production batch, and when. */
const batchScope = {
  version: versionNumber.optional().meta({
    description:
      'The version that served; default: the newest deployment in the environment',
  }),
  observedAt: isoDate.optional().meta({
    description: 'When the batch was served (default: now)',
  }),
};

/** The query of a raw production data upload. */
export const productionDataQuery = z.strictObject({
  format: datasetFormat,
  ...batchScope,
});

/** A production batch counted on the reference's bins. */
export const binnedBatchRequest = z.strictObject({
  version: z.number().int().min(1).optional(),
  observedAt: timestamp.optional(),
  features: z.array(binnedFeature).min(1).max(1000),
});

/** A stored production batch. */
export const driftBatch = z
  .strictObject({
    id: z.string(),
    model: z.string(),
    environment: z.string(),
    version: z.number().int(),
    observedAt: timestamp,
    /** Values counted over all features. */
    values: z.number().int(),
    features: z.array(z.string()),
  })
  .meta({ id: 'DriftBatch' });

/** A drift method, as the drift engine names it. */
export const driftMethod = z.enum([
  'ks',
  'psi',
  'jensenshannon',
  'wasserstein',
  'chisquare',
  'z',
]);

/** An on-demand drift check of one environment. */
export const driftCheckRequest = z.strictObject({
  window: z.enum(['hour', 'day', 'rolling']).optional().meta({
    description:
      'hour / day: batches observed in the last hour / day; rolling: the newest `batches` batches (default from config)',
  }),
  batches: z.number().int().min(1).max(1000).optional(),
  method: driftMethod.optional(),
  methods: z.record(z.string().max(256), driftMethod).optional(),
  thresholds: z.partialRecord(driftMethod, z.number().min(0)).optional(),
  driftShare: z.number().gt(0).max(1).optional(),
  correction: z.enum(['none', 'bonferroni', 'fdr']).optional(),
});

/** What a drift check found: a report, or why there is none. */
export const driftCheckResult = z.strictObject({
  report: driftReport.optional(),
  /** Why no report was written (no batches, too few values). */
  reason: z.string().optional(),
});

/**
 * A breach of a monitored threshold, or its end, reported by a monitoring
 * integration (e.g. an Alertmanager alert about the model).
 */
export const monitorEventRequest = z.strictObject({
  status: z.enum(['breached', 'recovered']),
  /** What was breached, e.g. the alert name `ModelHighP99Latency`. */
  alert: z.string().min(1).max(256),
  /** Who observed it, e.g. `alertmanager`. */
  source: z.string().min(1).max(64),
  environment: environmentName.optional(),
  version: z.number().int().min(1).optional(),
  summary: z.string().max(4096).optional(),
  /** Since when (breached) or until when (recovered). */
  at: timestamp.optional(),
  labels: z.record(z.string().max(256), z.string().max(1024)).optional(),
  /** Link to where it was observed, e.g. Prometheus' graph. */
  url: z.string().max(2048).optional(),
});

/** The recorded monitor event. */
export const monitorEventResult = z.strictObject({
  model: z.string(),
  event: z.enum(['monitor.breached', 'monitor.recovered']),
});
