import { z } from 'zod';
import { deploymentStatus, driftVerdict } from './models';
import {
  cursor,
  environmentName,
  isoDate,
  pageSize,
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
});

/** The training-time distribution of one feature. */
export const featureProfile = z.strictObject({
  feature: z.string(),
  histogram,
  stats: featureStats,
});

/** The reference distributions drift is measured against, per version. */
export const referenceProfile = z
  .strictObject({
    model: z.string(),
    version: z.number().int(),
    features: z.array(featureProfile),
    createdAt: timestamp,
  })
  .meta({ id: 'ReferenceProfile' });
