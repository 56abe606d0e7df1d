import { z } from 'zod';

/* Shapes of the API's answers, for the OpenAPI document. */

const timestamps = {
  createdAt: z.iso.datetime(),
  createdBy: z.string(),
  updatedAt: z.iso.datetime(),
  updatedBy: z.string(),
};

const deploymentStatus = z.enum([
  'pending',
  'progressing',
  'succeeded',
  'failed',
  'rolled-back',
]);

const driftVerdict = z.enum(['drift', 'no-drift']);

const modelHealth = z.object({
  drift: z
    .object({
      verdict: driftVerdict,
      windowEnd: z.iso.datetime(),
      version: z.number().int(),
    })
    .optional()
    .meta({ description: 'The verdict of the newest drift report' }),
  lastDeployment: z
    .object({
      environment: z.string(),
      version: z.number().int(),
      status: deploymentStatus,
      at: z.iso.datetime(),
    })
    .optional()
    .meta({
      description:
        'The newest deployment of any environment; `at` is the time of its current status',
    }),
});

export const modelResponse = z
  .object({
    name: z.string(),
    owner: z.string(),
    description: z.string(),
    task: z.string().optional(),
    framework: z.string().optional(),
    tags: z.array(z.string()),
    links: z.object({
      repoUrl: z.string().optional(),
      jiraProject: z.string().optional(),
      slackChannel: z.string().optional(),
    }),
    archived: z.boolean(),
    latestVersion: z.number().int().optional(),
    aliases: z.record(z.string(), z.number().int()),
    keyMetric: z.string().optional(),
    keyMetricValue: z
      .object({
        key: z.string(),
        value: z.number(),
        version: z.number().int(),
      })
      .optional()
      .meta({
        description:
          'The key metric on the `production` version, else on the latest READY version (highest step; at equal steps the value without a dataset, else the first dataset by name)',
      }),
    health: modelHealth,
    ...timestamps,
  })
  .meta({ id: 'Model' });

const metric = z.object({
  key: z.string(),
  value: z.number(),
  dataset: z.string().optional(),
  step: z.number().int().optional(),
});

export const versionResponse = z
  .object({
    model: z.string(),
    version: z.number().int(),
    status: z.enum(['PENDING', 'READY', 'FAILED']),
    description: z.string(),
    aliases: z.array(z.string()),
    source: z.object({
      runId: z.string().optional(),
      commit: z.string().optional(),
      uri: z.string().optional(),
    }),
    artifact: z
      .object({
        location: z.enum(['registry', 'external']),
        uri: z.string().optional(),
        sha256: z.string().optional(),
        size: z.number().int().optional(),
        format: z.string().optional(),
      })
      .optional(),
    parameters: z.record(
      z.string(),
      z.union([z.string(), z.number(), z.boolean()]),
    ),
    metrics: z.array(metric),
    datasets: z.array(
      z.object({
        role: z.enum(['training', 'evaluation', 'other']),
        entityRef: z.string().optional(),
        uri: z.string().optional(),
        digest: z.string().optional(),
      }),
    ),
    tags: z.array(z.string()),
    modelCard: z.record(z.string(), z.string()),
    annotations: z.record(z.string(), z.string()),
    parent: z
      .object({
        model: z.string(),
        version: z.number().int(),
        relation: z.enum(['fine-tuned', 'distilled', 'retrained']),
      })
      .optional(),
    failureReason: z.string().optional(),
    ...timestamps,
  })
  .meta({ id: 'ModelVersion' });

export const aliasResponse = z
  .object({
    alias: z.string(),
    version: z.number().int(),
    updatedAt: z.iso.datetime(),
    updatedBy: z.string(),
  })
  .meta({ id: 'ModelAlias' });

export const kpiResponse = z
  .object({
    name: z.string(),
    value: z.number(),
    unit: z.string(),
    period: z.string(),
    source: z.string(),
    version: z.number().int().optional(),
    updatedAt: z.iso.datetime(),
    updatedBy: z.string(),
  })
  .meta({ id: 'Kpi' });

export const auditResponse = z
  .object({
    id: z.string(),
    action: z.string(),
    actor: z.string(),
    target: z.string(),
    model: z.string().optional(),
    version: z.number().int().optional(),
    before: z.unknown().optional(),
    after: z.unknown().optional(),
    requestId: z.string().optional(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'AuditRecord' });

const comparisonRow = z.object({
  key: z.string(),
  values: z.record(
    z.string(),
    z.union([z.string(), z.number(), z.boolean(), z.null()]),
  ),
  differs: z.boolean(),
});

export const comparisonResponse = z.object({
  versions: z.array(versionResponse),
  parameters: z.array(comparisonRow),
  metrics: z.array(comparisonRow),
  datasets: z.array(comparisonRow),
  artifacts: z.array(comparisonRow),
});

export const trendResponse = z.object({
  items: z.array(
    z.object({
      version: z.number().int(),
      value: z.number(),
      dataset: z.string().optional(),
      step: z.number().int().optional(),
    }),
  ),
});

export const lineageResponse = z
  .object({
    nodes: z.array(
      z.object({
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
        entityRef: z.string().optional(),
      }),
    ),
    edges: z.array(
      z.object({
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
      }),
    ),
  })
  .meta({ id: 'LineageGraph' });

export const deploymentResponse = z
  .object({
    id: z.string(),
    model: z.string(),
    version: z.number().int(),
    environment: z.string(),
    target: z.object({
      cluster: z.string(),
      namespace: z.string(),
      kind: z.string(),
    }),
    status: deploymentStatus,
    replacedVersion: z.number().int().optional(),
    history: z.array(
      z.object({
        status: deploymentStatus,
        at: z.iso.datetime(),
        message: z.string().optional(),
      }),
    ),
    createdAt: z.iso.datetime(),
    createdBy: z.string(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'Deployment' });

const histogram = z.object({
  binEdges: z.array(z.number()),
  counts: z.array(z.number()),
});

export const driftReportResponse = z
  .object({
    id: z.string(),
    model: z.string(),
    version: z.number().int(),
    windowStart: z.iso.datetime(),
    windowEnd: z.iso.datetime(),
    verdict: driftVerdict,
    driftedShare: z.number().min(0).max(1),
    retrainingSuggested: z.boolean(),
    features: z.array(
      z.object({
        feature: z.string(),
        method: z.string(),
        score: z.number(),
        threshold: z.number(),
        drifted: z.boolean(),
        current: histogram.optional(),
      }),
    ),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'DriftReport' });

export const referenceProfileResponse = z
  .object({
    model: z.string(),
    version: z.number().int(),
    features: z.array(
      z.object({
        feature: z.string(),
        histogram,
        stats: z.object({
          count: z.number(),
          mean: z.number().optional(),
          std: z.number().optional(),
          min: z.number().optional(),
          max: z.number().optional(),
          missing: z.number().optional(),
        }),
      }),
    ),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'ReferenceProfile' });

export const summaryResponse = z
  .object({
    models: z.number().int(),
    inProduction: z.number().int(),
    drifting: z.number().int(),
    failedDeployments: z.number().int(),
    withoutOwner: z.number().int(),
    withoutModelCard: z.number().int(),
  })
  .meta({ id: 'PortfolioSummary' });

export function pageOf(item: z.ZodType) {
  return z.object({ items: z.array(item), nextCursor: z.string().optional() });
}
