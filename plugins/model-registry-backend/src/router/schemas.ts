import { z } from 'zod';

/*
 * Request and response schemas of the REST API. The router validates with
 * them and the OpenAPI document is generated from them, so the two cannot
 * drift apart.
 */

export const modelName = z
  .string()
  .min(1)
  .max(63)
  .regex(
    /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/,
    "lowercase letters, digits and '-', starting and ending with a letter or digit",
  )
  .meta({ description: 'Model name (DNS label)', example: 'fraud-detector' });

export const versionNumber = z
  .string()
  .regex(/^[1-9][0-9]{0,8}$/, 'must be a positive integer')
  .transform(Number)
  .meta({ description: 'Version number', example: '3' });

export const aliasName = z
  .string()
  .regex(
    /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/,
    "1-63 lowercase letters, digits and '-', starting and ending with a letter or digit",
  )
  .meta({ description: 'Alias name', example: 'champion' });

const entityRef = z
  .string()
  .max(255)
  .regex(
    /^[a-z][a-z0-9-]*:[a-z0-9-_.]+\/[a-z0-9-_.]+$/i,
    'must be an entity ref like group:default/data-science',
  );

const tag = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9-:.]{0,62}$/,
    'tags are 1-63 lowercase letters, digits, -, : and .',
  );

const shortText = (max: number) => z.string().max(max);

/** The `limit` of a page: a whole number of items, at most `max`. */
const pageSize = (max: number) =>
  z.coerce.number().int().min(1).max(max).optional();

export const metricKey = z
  .string()
  .regex(/^[A-Za-z0-9_.\-/]{1,128}$/, 'invalid metric key');

const links = z.strictObject({
  repoUrl: z
    .url({ protocol: /^https?$/ })
    .max(2048)
    .optional(),
  jiraProject: z
    .string()
    .regex(/^[A-Z][A-Z0-9_]{1,19}$/, 'invalid Jira project key')
    .optional(),
  slackChannel: z
    .string()
    .regex(/^#?[a-z0-9][a-z0-9-_]{0,79}$/, 'invalid Slack channel')
    .optional(),
});

export const createModelBody = z.strictObject({
  name: z.string(),
  owner: entityRef,
  description: shortText(10_000).optional(),
  task: shortText(64).optional(),
  framework: shortText(64).optional(),
  tags: z.array(tag).max(50).optional(),
  links: links.optional(),
  keyMetric: metricKey
    .optional()
    .meta({ description: 'The metric that ranks the versions, e.g. auc' }),
});

export const updateModelBody = z.strictObject({
  owner: entityRef.optional(),
  description: shortText(10_000).optional(),
  task: shortText(64).nullable().optional(),
  framework: shortText(64).nullable().optional(),
  tags: z.array(tag).max(50).optional(),
  links: links.optional(),
  keyMetric: metricKey.nullable().optional().meta({
    description: 'The metric that ranks the versions; null clears it',
  }),
});

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
  cursor: shortText(512).optional(),
});

const scalar = z.union([z.string().max(4096), z.number(), z.boolean()]);

const metric = z.strictObject({
  key: metricKey,
  value: z.number(),
  dataset: shortText(255).optional(),
  step: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .optional(),
});

const dataset = z
  .strictObject({
    role: z.enum(['training', 'evaluation', 'other']),
    entityRef: entityRef.optional(),
    uri: z.url().max(2048).optional(),
    digest: z
      .string()
      .regex(/^[a-z0-9]+:[a-f0-9]{16,128}$/, 'digest like sha256:<hex>')
      .optional(),
  })
  .refine(d => d.entityRef || d.uri, 'a dataset needs an entityRef or a uri');

const sha256 = z.string().regex(/^[a-f0-9]{64}$/, 'a lowercase hex sha256');

export const registerVersionBody = z.strictObject({
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
  artifact: z
    .strictObject({
      uri: z.url().max(2048),
      sha256: sha256.optional(),
      size: z.number().int().min(0).optional(),
      format: shortText(64).optional(),
    })
    .optional(),
  artifactFormat: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'invalid artifact format')
    .optional(),
  parameters: z
    .record(
      z.string().regex(/^[A-Za-z0-9_.\-/]{1,128}$/, 'invalid parameter name'),
      scalar,
    )
    .refine(p => Object.keys(p).length <= 500, 'at most 500 parameters')
    .optional(),
  metrics: z.array(metric).max(1000).optional(),
  datasets: z.array(dataset).max(100).optional(),
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
  annotations: z
    .record(
      z.string().regex(/^[a-z0-9.\-/]{1,128}$/, 'invalid annotation key'),
      shortText(4096),
    )
    .optional(),
  parent: z
    .strictObject({
      model: modelName,
      version: z.number().int().min(1),
      relation: z.enum(['fine-tuned', 'distilled', 'retrained']),
    })
    .optional(),
});

export const updateVersionBody = z.strictObject({
  description: shortText(10_000).optional(),
  tags: z.array(tag).max(50).optional(),
  annotations: z
    .record(
      z.string().regex(/^[a-z0-9.\-/]{1,128}$/, 'invalid annotation key'),
      shortText(4096),
    )
    .optional(),
});

export const failVersionBody = z.strictObject({
  reason: z.string().min(1).max(2000),
});

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

const isoDate = z.iso.datetime({ offset: true }).transform(v => new Date(v));

export const listVersionsQuery = z.strictObject({
  model: modelName.optional(),
  status: z.enum(['PENDING', 'READY', 'FAILED']).optional(),
  tag: tag.optional(),
  metric: z
    .union([metricCondition, z.array(metricCondition).max(10)])
    .optional()
    .meta({ description: 'Metric condition, repeatable: accuracy>=0.9' }),
  createdAfter: isoDate.optional(),
  createdBefore: isoDate.optional(),
  order: z.enum(['asc', 'desc']).optional(),
  limit: pageSize(200),
  cursor: shortText(512).optional(),
});

export const modelVersionsQuery = listVersionsQuery.omit({ model: true });

export const uploadQuery = z.strictObject({
  sha256: sha256
    .optional()
    .meta({ description: 'Expected digest; the upload fails on a mismatch' }),
});

export const setAliasBody = z.strictObject({
  version: z.number().int().min(1),
});

export const compareQuery = z.strictObject({
  versions: z
    .string()
    .regex(
      /^[1-9][0-9]{0,8}(,[1-9][0-9]{0,8}){1,9}$/,
      'two to ten version numbers, comma-separated',
    )
    .transform(v => [...new Set(v.split(',').map(Number))]),
});

export const kpiName = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9_.-]{0,127}$/,
    'KPI names are lowercase letters, digits, _, . and -',
  );

export const setKpiBody = z.strictObject({
  value: z.number().refine(Number.isFinite, 'must be finite'),
  unit: shortText(32).optional(),
  period: shortText(64).optional(),
  source: shortText(255).optional(),
  version: z.number().int().min(1).optional(),
});

export const kpiHistoryQuery = z.strictObject({
  limit: pageSize(1000),
});

export const auditQuery = z.strictObject({
  version: versionNumber.optional(),
  action: shortText(64).optional(),
  actor: shortText(255).optional(),
  limit: pageSize(200),
  cursor: shortText(512).optional(),
});

/** Environments are named like aliases: `staging`, `production`. */
const environment = aliasName.meta({
  description: 'Environment, e.g. production',
  example: 'staging',
});

export const deploymentsQuery = z.strictObject({
  environment: environment.optional(),
  limit: pageSize(100).meta({ description: 'Page size, 1-100 (default 50)' }),
  cursor: shortText(512).optional(),
});

export const driftReportsQuery = z.strictObject({
  version: versionNumber
    .optional()
    .meta({ description: 'Only windows served by this version' }),
  since: isoDate
    .optional()
    .meta({ description: 'Only windows that end at or after this time' }),
  limit: pageSize(100).meta({ description: 'Page size, 1-100 (default 50)' }),
  cursor: shortText(512).optional(),
});

export const emptyQuery = z.strictObject({});
