import { z } from 'zod';
import {
  aliasName,
  cursor,
  entityRef,
  metricKey,
  modelName,
  pageSize,
  shortText,
  tag,
  timestamp,
  timestamps,
} from './primitives';
import { annotations } from './versions';

export const deploymentStatus = z
  .enum([
    'pending',
    'progressing',
    'succeeded',
    'failed',
    'paused',
    'rolled-back',
  ])
  .meta({ id: 'DeploymentStatus' });

export const driftVerdict = z
  .enum(['drift', 'no-drift'])
  .meta({ id: 'DriftVerdict' });

/** Links from a model to the places its team works in. */
export const modelLinks = z.strictObject({
  /** URL of the source repository. */
  repoUrl: z
    .url({ protocol: /^https?$/ })
    .max(2048)
    .optional(),
  /** Jira project key, e.g. `FRAUD`. */
  jiraProject: z
    .string()
    .regex(/^[A-Z][A-Z0-9_]{1,19}$/, 'invalid Jira project key')
    .optional(),
  /** Slack channel, e.g. `#fraud-ml`. */
  slackChannel: z
    .string()
    .regex(/^#?[a-z0-9][a-z0-9-_]{0,79}$/, 'invalid Slack channel')
    .optional(),
});

/** How a model does in production, for lists and health badges. */
export const modelHealth = z.strictObject({
  /** The verdict of the newest drift report; absent when none exists. */
  drift: z
    .strictObject({
      verdict: driftVerdict,
      windowEnd: timestamp,
      version: z.number().int(),
    })
    .optional()
    .meta({ description: 'The verdict of the newest drift report' }),
  /** The newest deployment of any environment; absent when never deployed. */
  lastDeployment: z
    .strictObject({
      environment: z.string(),
      version: z.number().int(),
      status: deploymentStatus,
      at: timestamp,
    })
    .optional()
    .meta({
      description:
        'The newest deployment of any environment; `at` is the time of its current status',
    }),
  /** Environments whose cluster does not serve what their alias names. */
  outOfSync: z.array(z.string()).optional().meta({
    description:
      'Environments whose cluster serves another version than the alias they follow names (deployment.out_of_sync)',
  }),
});

/** A registered model, as the REST API returns it. */
export const model = z
  .strictObject({
    name: z.string(),
    /** Catalog entity ref of the owning group or user, e.g. `group:default/data-science`. */
    owner: z.string(),
    description: z.string(),
    /** Task type, e.g. `classification`. */
    task: z.string().optional(),
    framework: z.string().optional(),
    tags: z.array(z.string()),
    links: z.strictObject({
      repoUrl: z.string().optional(),
      jiraProject: z.string().optional(),
      slackChannel: z.string().optional(),
    }),
    archived: z.boolean(),
    /** The highest version number handed out; absent before the first version. */
    latestVersion: z.number().int().optional(),
    /** Alias → version number, e.g. `{ "champion": 3 }`. */
    aliases: z.record(z.string(), z.number().int()),
    /** The metric that ranks this model's versions, e.g. `auc`. */
    keyMetric: z.string().optional(),
    /**
     * The key metric on the `production` version, else on the latest READY
     * version (its final step); absent when neither carries it.
     */
    keyMetricValue: z
      .strictObject({
        key: z.string(),
        value: z.number(),
        version: z.number().int(),
      })
      .optional()
      .meta({
        description:
          'The key metric on the `production` version, else on the latest READY version (highest step; at equal steps the value without a dataset, else the first dataset by name)',
      }),
    /** Drift verdict and last deployment, as far as the registry knows them. */
    health: modelHealth,
    /** What integrations keep on the model, e.g. `mlreg.io/mlflow-name`. */
    annotations: z.record(z.string(), z.string()).optional(),
    ...timestamps,
  })
  .meta({ id: 'Model' });

/** The fields a client sends to register a model. */
export const createModelRequest = z.strictObject({
  name: z.string(),
  owner: entityRef,
  description: shortText(10_000).optional(),
  task: shortText(64).optional(),
  framework: shortText(64).optional(),
  tags: z.array(tag).max(50).optional(),
  links: modelLinks.optional(),
  keyMetric: metricKey
    .optional()
    .meta({ description: 'The metric that ranks the versions, e.g. auc' }),
  annotations: annotations.optional(),
});

/** The fields of a model that can change; null clears a field. */
export const updateModelRequest = z.strictObject({
  owner: entityRef.optional(),
  description: shortText(10_000).optional(),
  task: shortText(64).nullable().optional(),
  framework: shortText(64).nullable().optional(),
  tags: z.array(tag).max(50).optional(),
  links: modelLinks.optional(),
  keyMetric: metricKey.nullable().optional().meta({
    description: 'The metric that ranks the versions; null clears it',
  }),
  annotations: annotations
    .optional()
    .meta({ description: 'Replaces all annotations of the model' }),
});

/** A new name for a model. */
export const renameModelRequest = z.strictObject({ name: modelName });

/** Query of the model list. */
export const listModelsQuery = z.strictObject({
  search: shortText(63)
    .optional()
    .meta({ description: 'Substring of the name' }),
  prefix: shortText(63).optional().meta({ description: 'Prefix of the name' }),
  owner: entityRef.optional(),
  tag: tag.optional(),
  framework: shortText(64).optional(),
  task: shortText(64).optional(),
  alias: aliasName
    .optional()
    .meta({ description: 'Only models with this alias set' }),
  drift: z.enum(['drifting', 'stable', 'unmonitored']).optional().meta({
    description:
      'By the verdict of the newest drift report; unmonitored = no report',
  }),
  archived: z
    .enum(['exclude', 'only', 'include'])
    .optional()
    .meta({ description: 'Archived models: excluded by default' }),
  sort: z.enum(['name', 'createdAt', 'updatedAt']).optional(),
  order: z.enum(['asc', 'desc']).optional(),
  limit: pageSize(200),
  cursor,
});

/** The figures at the top of the Models page, over the models a user may read. */
export const portfolioSummary = z
  .strictObject({
    models: z.number().int(),
    /** Models with a `production` alias. */
    inProduction: z.number().int(),
    /** Models whose newest drift report says `drift`. */
    drifting: z.number().int(),
    /** Models whose newest deployment failed. */
    failedDeployments: z.number().int(),
    /** Models whose owner is not an entity of the catalog. */
    withoutOwner: z.number().int(),
    /** Models whose latest version has no model card fields, or no version. */
    withoutModelCard: z.number().int(),
  })
  .meta({ id: 'PortfolioSummary' });

export const modelPathParams = z.strictObject({ name: modelName });

export const healthStatus = z.strictObject({ status: z.literal('ok') });
