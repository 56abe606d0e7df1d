import { z } from 'zod';

/* Shapes of the API's answers, for the OpenAPI document. */

const timestamps = {
  createdAt: z.iso.datetime(),
  createdBy: z.string(),
  updatedAt: z.iso.datetime(),
  updatedBy: z.string(),
};

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
        ]),
      }),
    ),
  })
  .meta({ id: 'LineageGraph' });

export function pageOf(item: z.ZodType) {
  return z.object({ items: z.array(item), nextCursor: z.string().optional() });
}
