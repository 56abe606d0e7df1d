import {
  AuditorService,
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  AuthorizeResult,
  BasicPermission,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  ConditionTransformer,
  createConditionTransformer,
} from '@backstage/plugin-permission-node';
import {
  aliasSetPermission,
  modelCreatePermission,
  modelDeletePermission,
  modelReadPermission,
  modelUpdatePermission,
  versionCreatePermission,
} from '@mlreg/plugin-model-registry-common';
import express from 'express';
import Router from 'express-promise-router';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import {
  ModelFilter,
  ModelFilterCondition,
  modelPermissionRules,
} from '../permissions/rules';
import { Actor } from '../service/Actor';
import { AliasService } from '../service/AliasService';
import { AuditService } from '../service/AuditService';
import { DeploymentService } from '../service/DeploymentService';
import { DriftService } from '../service/DriftService';
import { KpiService } from '../service/KpiService';
import { LineageService } from '../service/LineageService';
import { ModelService } from '../service/ModelService';
import { PortfolioService } from '../service/PortfolioService';
import { VersionService } from '../service/VersionService';
import { buildOpenApiDocument } from './openapi';
import {
  aliasResponse,
  auditResponse,
  comparisonResponse,
  deploymentResponse,
  driftReportResponse,
  kpiResponse,
  lineageResponse,
  modelResponse,
  pageOf,
  referenceProfileResponse,
  summaryResponse,
  trendResponse,
  versionResponse,
} from './responses';
import { Route, route } from './route';
import * as s from './schemas';

/** The services behind the REST API. */
export interface RegistryServices {
  models: ModelService;
  versions: VersionService;
  aliases: AliasService;
  kpis: KpiService;
  lineage: LineageService;
  audit: AuditService;
  deployments: DeploymentService;
  drift: DriftService;
  portfolio: PortfolioService;
}

export interface RouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  services: RegistryServices;
  /** Package version, shown in the OpenAPI document. */
  version: string;
  /** Called after every successful change. */
  onChange?: () => void;
}

const transformModelConditions: ConditionTransformer<ModelFilterCondition> =
  createConditionTransformer(modelPermissionRules);

/** The entity ref of a user, or `<type>:<subject>` for anything else. */
function actorRef(credentials: BackstageCredentials): string {
  const principal = credentials.principal as {
    type: string;
    userEntityRef?: string;
    subject?: string;
  };
  if (principal.type === 'user' && principal.userEntityRef) {
    return principal.userEntityRef;
  }
  return `${principal.type}:${principal.subject ?? 'unknown'}`;
}

function parse<T>(schema: z.ZodType<T, any>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issues = result.error.issues
      .map(i => {
        const path = i.path.join('.');
        return `${path ? `${what}.${path}` : what}: ${i.message}`;
      })
      .join('; ');
    throw new InputError(`Invalid ${what}: ${issues}`);
  }
  return result.data;
}

const modelParams = z.strictObject({ name: s.modelName });
const versionParams = z.strictObject({
  name: s.modelName,
  version: s.versionNumber,
});
const aliasParams = z.strictObject({ name: s.modelName, alias: s.aliasName });

/** The artifact of a version: uploaded with PUT, downloaded with GET. */
const ARTIFACT_PATH = '/models/:name/versions/:version/artifact';

/** Builds the route table of the REST API. */
export function createRoutes(options: RouterOptions): Route[] {
  const { permissions, services } = options;

  const decide = async (
    credentials: BackstageCredentials,
    permission: ResourcePermission,
    modelName: string,
  ) => {
    const [decision] = await permissions.authorize(
      [{ permission, resourceRef: modelName }],
      { credentials },
    );
    return decision.result === AuthorizeResult.ALLOW;
  };

  /**
   * Checks a permission on a model. A model the caller may not read looks
   * exactly like a missing one (404); a readable one answers 403.
   */
  const authorizeModel = async (
    credentials: BackstageCredentials,
    permission: ResourcePermission,
    modelName: string,
  ) => {
    if (!(await decide(credentials, modelReadPermission, modelName))) {
      throw new NotFoundError(`model "${modelName}" not found`);
    }
    if (
      permission.name !== modelReadPermission.name &&
      !(await decide(credentials, permission, modelName))
    ) {
      throw new NotAllowedError(
        `not allowed: ${permission.name} on model "${modelName}"`,
      );
    }
  };

  const authorizeBasic = async (
    credentials: BackstageCredentials,
    permission: BasicPermission,
  ) => {
    const [decision] = await permissions.authorize([{ permission }], {
      credentials,
    });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`not allowed: ${permission.name}`);
    }
  };

  /** The SQL filter of readable models: undefined = all, null = none. */
  const readFilter = async (
    credentials: BackstageCredentials,
  ): Promise<ModelFilter | undefined | null> => {
    const [decision] = await permissions.authorizeConditional(
      [{ permission: modelReadPermission }],
      { credentials },
    );
    if (decision.result === AuthorizeResult.CONDITIONAL) {
      return transformModelConditions(decision.conditions);
    }
    return decision.result === AuthorizeResult.ALLOW ? undefined : null;
  };

  const actor = (
    credentials: BackstageCredentials,
    req: express.Request,
  ): Actor => ({
    ref: actorRef(credentials),
    requestId: req.get('x-request-id')?.slice(0, 64),
  });

  return [
    route({
      method: 'get',
      path: '/health',
      operationId: 'getHealth',
      summary: 'Liveness of the registry',
      tag: 'health',
      permissions: [],
      unauthenticated: true,
      status: 200,
      response: z.object({ status: z.literal('ok') }),
      responseDescription: 'The registry is up',
      handler: async () => ({ status: 'ok' }),
    }),

    // Models
    route({
      method: 'get',
      path: '/models',
      operationId: 'listModels',
      summary: 'Search and list the models the caller may read',
      tag: 'models',
      permissions: [modelReadPermission.name],
      query: s.listModelsQuery,
      status: 200,
      response: pageOf(modelResponse),
      responseDescription: 'A page of models',
      handler: async ({ query, credentials }) => {
        const filter = await readFilter(credentials);
        if (filter === null) return { items: [] };
        return services.models.list({
          search: query.search,
          namePrefix: query.prefix,
          owner: query.owner,
          tag: query.tag,
          framework: query.framework,
          task: query.task,
          alias: query.alias,
          drift: query.drift,
          archived: query.archived,
          sort: query.sort ?? 'name',
          order: query.order ?? 'asc',
          limit: query.limit ?? 50,
          cursor: query.cursor,
          filter,
        });
      },
    }),
    route({
      method: 'get',
      path: '/summary',
      operationId: 'getPortfolioSummary',
      summary:
        'Portfolio figures over the non-archived models the caller may read',
      tag: 'models',
      permissions: [modelReadPermission.name],
      status: 200,
      response: summaryResponse,
      responseDescription:
        'Counts of models, in production, drifting, with a failed newest deployment, without a catalog owner, without a model card',
      handler: async ({ credentials }) => {
        const filter = await readFilter(credentials);
        if (filter === null) {
          return {
            models: 0,
            inProduction: 0,
            drifting: 0,
            failedDeployments: 0,
            withoutOwner: 0,
            withoutModelCard: 0,
          };
        }
        return services.portfolio.summary(filter);
      },
    }),
    route({
      method: 'post',
      path: '/models',
      operationId: 'createModel',
      summary: 'Register a model',
      tag: 'models',
      permissions: [modelCreatePermission.name],
      body: s.createModelBody,
      status: 201,
      response: modelResponse,
      responseDescription: 'The new model',
      handler: async ({ body, credentials, req }) => {
        await authorizeBasic(credentials, modelCreatePermission);
        return services.models.create(body, actor(credentials, req));
      },
    }),
    route({
      method: 'get',
      path: '/models/:name',
      operationId: 'getModel',
      summary: 'Get a model',
      tag: 'models',
      permissions: [modelReadPermission.name],
      params: modelParams,
      status: 200,
      response: modelResponse,
      responseDescription: 'The model',
      handler: async ({ params, credentials }) => {
        await authorizeModel(credentials, modelReadPermission, params.name);
        return services.models.get(params.name);
      },
    }),
    route({
      method: 'patch',
      path: '/models/:name',
      operationId: 'updateModel',
      summary:
        'Change owner, description, task, framework, tags, links or key metric',
      tag: 'models',
      permissions: [modelUpdatePermission.name],
      params: modelParams,
      body: s.updateModelBody,
      status: 200,
      response: modelResponse,
      responseDescription: 'The changed model',
      handler: async ({ params, body, credentials, req }) => {
        await authorizeModel(credentials, modelUpdatePermission, params.name);
        return services.models.update(
          params.name,
          body,
          actor(credentials, req),
        );
      },
    }),
    route({
      method: 'post',
      path: '/models/:name/archive',
      operationId: 'archiveModel',
      summary: 'Archive a model: hidden from lists, no new versions',
      tag: 'models',
      permissions: [modelUpdatePermission.name],
      params: modelParams,
      status: 200,
      response: modelResponse,
      responseDescription: 'The archived model',
      handler: async ({ params, credentials, req }) => {
        await authorizeModel(credentials, modelUpdatePermission, params.name);
        return services.models.setArchived(
          params.name,
          true,
          actor(credentials, req),
        );
      },
    }),
    route({
      method: 'post',
      path: '/models/:name/restore',
      operationId: 'restoreModel',
      summary: 'Restore an archived model',
      tag: 'models',
      permissions: [modelUpdatePermission.name],
      params: modelParams,
      status: 200,
      response: modelResponse,
      responseDescription: 'The restored model',
      handler: async ({ params, credentials, req }) => {
        await authorizeModel(credentials, modelUpdatePermission, params.name);
        return services.models.setArchived(
          params.name,
          false,
          actor(credentials, req),
        );
      },
    }),
    route({
      method: 'delete',
      path: '/models/:name',
      operationId: 'deleteModel',
      summary: 'Delete a model that has no versions',
      tag: 'models',
      permissions: [modelDeletePermission.name],
      params: modelParams,
      status: 204,
      responseDescription: 'Deleted',
      handler: async ({ params, credentials, req, res }) => {
        await authorizeModel(credentials, modelDeletePermission, params.name);
        await services.models.delete(params.name, actor(credentials, req));
        res.status(204).end();
        return undefined;
      },
    }),

    // Versions
    route({
      method: 'get',
      path: '/versions',
      operationId: 'searchVersions',
      summary: 'Search versions across the models the caller may read',
      tag: 'versions',
      permissions: [modelReadPermission.name],
      query: s.listVersionsQuery,
      status: 200,
      response: pageOf(versionResponse),
      responseDescription: 'A page of versions, newest first by default',
      handler: async ({ query, credentials }) => {
        const filter = await readFilter(credentials);
        if (filter === null) return { items: [] };
        if (query.model)
          await authorizeModel(credentials, modelReadPermission, query.model);
        return services.versions.list({
          ...query,
          metrics: toArray(query.metric),
          limit: query.limit ?? 50,
          filter,
        });
      },
    }),
    route({
      method: 'get',
      path: '/models/:name/versions',
      operationId: 'listVersions',
      summary: 'List the versions of a model',
      tag: 'versions',
      permissions: [modelReadPermission.name],
      params: modelParams,
      query: s.modelVersionsQuery,
      status: 200,
      response: pageOf(versionResponse),
      responseDescription:
        'A page of versions, highest number first by default',
      handler: async ({ params, query, credentials }) => {
        await authorizeModel(credentials, modelReadPermission, params.name);
        return services.versions.list({
          ...query,
          model: params.name,
          metrics: toArray(query.metric),
          limit: query.limit ?? 50,
        });
      },
    }),
    route({
      method: 'post',
      path: '/models/:name/versions',
      operationId: 'registerVersion',
      summary:
        'Register a version; numbered max+1. PENDING until its artifact is uploaded, READY at once with an external artifact',
      tag: 'versions',
      permissions: [versionCreatePermission.name],
      params: modelParams,
      body: s.registerVersionBody,
      status: 201,
      response: versionResponse,
      responseDescription: 'The new version',
      handler: async ({ params, body, credentials, req }) => {
        await authorizeModel(credentials, versionCreatePermission, params.name);
        if (body.parent) {
          await authorizeModel(
            credentials,
            modelReadPermission,
            body.parent.model,
          );
        }
        return services.versions.register(
          params.name,
          body,
          actor(credentials, req),
        );
      },
    }),
    route({
      method: 'get',
      path: '/models/:name/versions/:version',
      operationId: 'getVersion',
      summary: 'Get a version',
      tag: 'versions',
      permissions: [modelReadPermission.name],
      params: versionParams,
      status: 200,
      response: versionResponse,
      responseDescription: 'The version',
      handler: async ({ params, credentials }) => {
        await authorizeModel(credentials, modelReadPermission, params.name);
        return services.versions.get(params.name, params.version);
      },
    }),
    route({
      method: 'patch',
      path: '/models/:name/versions/:version',
      operationId: 'updateVersion',
      summary: 'Change the description, tags or annotations of a version',
      tag: 'versions',
      permissions: [versionCreatePermission.name],
      params: versionParams,
      body: s.updateVersionBody,
      status: 200,
      response: versionResponse,
      responseDescription: 'The changed version',
      handler: async ({ params, body, credentials, req }) => {
        await authorizeModel(credentials, versionCreatePermission, params.name);
        return services.versions.update(
          params.name,
          params.version,
          body,
          actor(credentials, req),
        );
      },
    }),
    route({
      method: 'post',
      path: '/models/:name/versions/:version/fail',
      operationId: 'failVersion',
      summary: 'Mark a PENDING version FAILED',
      tag: 'versions',
      permissions: [versionCreatePermission.name],
      params: versionParams,
      body: s.failVersionBody,
      status: 200,
      response: versionResponse,
      responseDescription: 'The failed version',
      handler: async ({ params, body, credentials, req }) => {
        await authorizeModel(credentials, versionCreatePermission, params.name);
        return services.versions.fail(
          params.name,
          params.version,
          body.reason,
          actor(credentials, req),
        );
      },
    }),
    route({
      method: 'put',
      path: ARTIFACT_PATH,
      operationId: 'uploadArtifact',
      summary:
        'Upload the artifact of a PENDING version (streamed; sha256 computed on the way); the version becomes READY',
      tag: 'artifacts',
      permissions: [versionCreatePermission.name],
      params: versionParams,
      query: s.uploadQuery,
      streamBody: true,
      status: 200,
      response: versionResponse,
      responseDescription: 'The READY version',
      handler: async ({ params, query, credentials, req }) => {
        await authorizeModel(credentials, versionCreatePermission, params.name);
        const length = req.get('content-length');
        return services.versions.uploadArtifact(
          params.name,
          params.version,
          req,
          {
            expectedSha256: query.sha256,
            declaredSize: length === undefined ? undefined : Number(length),
          },
          actor(credentials, req),
        );
      },
    }),
    route({
      method: 'get',
      path: ARTIFACT_PATH,
      operationId: 'downloadArtifact',
      userCookie: true,
      summary:
        'Download the artifact of a READY version (or a redirect to a presigned URL)',
      tag: 'artifacts',
      permissions: [modelReadPermission.name],
      params: versionParams,
      status: 200,
      responseDescription:
        'The artifact bytes; 302 to a presigned URL for S3 stores',
      handler: async ({ params, credentials, res }) => {
        await authorizeModel(credentials, modelReadPermission, params.name);
        const artifact = await services.versions.openArtifact(
          params.name,
          params.version,
        );
        if ('url' in artifact) {
          res.redirect(302, artifact.url);
          return undefined;
        }
        res.status(200);
        res.setHeader('Content-Type', 'application/octet-stream');
        res.setHeader('Content-Length', String(artifact.size));
        res.setHeader(
          'Content-Disposition',
          `attachment; filename="${artifact.fileName}"`,
        );
        if (artifact.sha256)
          res.setHeader('ETag', `"sha256:${artifact.sha256}"`);
        await pipeline(artifact.body, res);
        return undefined;
      },
    }),
    route({
      method: 'get',
      path: '/models/:name/compare',
      operationId: 'compareVersions',
      summary: 'Two to ten versions side by side',
      tag: 'versions',
      permissions: [modelReadPermission.name],
      params: modelParams,
      query: s.compareQuery,
      status: 200,
      response: comparisonResponse,
      responseDescription:
        'Parameters, metrics, datasets and artifacts per version, with differences flagged',
      handler: async ({ params, query, credentials }) => {
        await authorizeModel(credentials, modelReadPermission, params.name);
        return services.versions.compare(params.name, query.versions);
      },
    }),
    route({
      method: 'get',
      path: '/models/:name/metrics/:key/trend',
      operationId: 'metricTrend',
      summary: 'One metric across the READY versions of a model',
      tag: 'versions',
      permissions: [modelReadPermission.name],
      params: z.strictObject({ name: s.modelName, key: s.metricKey }),
      status: 200,
      response: trendResponse,
      responseDescription: 'Metric values by version number',
      handler: async ({ params, credentials }) => {
        await authorizeModel(credentials, modelReadPermission, params.name);
        return {
          items: await services.versions.metricTrend(params.name, params.key),
        };
      },
    }),

    // Aliases
    route({
      method: 'get',
      path: '/models/:name/aliases',
      operationId: 'listAliases',
      summary: 'The aliases of a model',
      tag: 'aliases',
      permissions: [modelReadPermission.name],
      params: modelParams,
      status: 200,
      response: z.object({ items: z.array(aliasResponse) }),
      responseDescription: 'Aliases and the versions they point to',
      handler: async ({ params, credentials }) => {
        await authorizeModel(credentials, modelReadPermission, params.name);
        return { items: await services.aliases.list(params.name) };
      },
    }),
    route({
      method: 'get',
      path: '/models/:name/aliases/:alias',
      operationId: 'getVersionByAlias',
      summary: 'The version an alias points to',
      tag: 'aliases',
      permissions: [modelReadPermission.name],
      params: aliasParams,
      status: 200,
      response: versionResponse,
      responseDescription: 'The version',
      handler: async ({ params, credentials }) => {
        await authorizeModel(credentials, modelReadPermission, params.name);
        return services.versions.getByAlias(params.name, params.alias);
      },
    }),
    route({
      method: 'put',
      path: '/models/:name/aliases/:alias',
      operationId: 'setAlias',
      summary: 'Point an alias at a READY version (create or move)',
      tag: 'aliases',
      permissions: [aliasSetPermission.name],
      params: aliasParams,
      body: s.setAliasBody,
      status: 200,
      response: aliasResponse,
      responseDescription: 'The alias',
      handler: async ({ params, body, credentials, req }) => {
        await authorizeModel(credentials, aliasSetPermission, params.name);
        return services.aliases.set(
          params.name,
          params.alias,
          body.version,
          actor(credentials, req),
        );
      },
    }),
    route({
      method: 'delete',
      path: '/models/:name/aliases/:alias',
      operationId: 'deleteAlias',
      summary: 'Remove an alias',
      tag: 'aliases',
      permissions: [aliasSetPermission.name],
      params: aliasParams,
      status: 204,
      responseDescription: 'Removed',
      handler: async ({ params, credentials, req, res }) => {
        await authorizeModel(credentials, aliasSetPermission, params.name);
        await services.aliases.delete(
          params.name,
          params.alias,
          actor(credentials, req),
        );
        res.status(204).end();
        return undefined;
      },
    }),

    // KPIs
    route({
      method: 'get',
      path: '/models/:name/kpis',
      operationId: 'listKpis',
      summary: 'Current business KPIs of a model and its versions',
      tag: 'kpis',
      permissions: [modelReadPermission.name],
      params: modelParams,
      status: 200,
      response: z.object({ items: z.array(kpiResponse) }),
      responseDescription: 'The current value of every KPI',
      handler: async ({ params, credentials }) => {
        await authorizeModel(credentials, modelReadPermission, params.name);
        return { items: await services.kpis.list(params.name) };
      },
    }),
    route({
      method: 'put',
      path: '/models/:name/kpis/:kpi',
      operationId: 'setKpi',
      summary:
        'Record the value of a KPI (the previous values stay in its history)',
      tag: 'kpis',
      permissions: [modelUpdatePermission.name],
      params: z.strictObject({ name: s.modelName, kpi: s.kpiName }),
      body: s.setKpiBody,
      status: 200,
      response: kpiResponse,
      responseDescription: 'The KPI',
      handler: async ({ params, body, credentials, req }) => {
        await authorizeModel(credentials, modelUpdatePermission, params.name);
        return services.kpis.set(
          params.name,
          params.kpi,
          body,
          actor(credentials, req),
        );
      },
    }),
    route({
      method: 'get',
      path: '/models/:name/kpis/:kpi/history',
      operationId: 'kpiHistory',
      summary: 'Every recorded value of a KPI, newest first',
      tag: 'kpis',
      permissions: [modelReadPermission.name],
      params: z.strictObject({ name: s.modelName, kpi: s.kpiName }),
      query: s.kpiHistoryQuery,
      status: 200,
      response: z.object({ items: z.array(kpiResponse) }),
      responseDescription: 'The history',
      handler: async ({ params, query, credentials }) => {
        await authorizeModel(credentials, modelReadPermission, params.name);
        return {
          items: await services.kpis.history(
            params.name,
            params.kpi,
            query.limit ?? 100,
          ),
        };
      },
    }),

    // Deployments and drift
    route({
      method: 'get',
      path: '/models/:name/deployments',
      operationId: 'listDeployments',
      summary: 'The deployments of a model, newest first',
      tag: 'deployments',
      permissions: [modelReadPermission.name],
      params: modelParams,
      query: s.deploymentsQuery,
      status: 200,
      response: pageOf(deploymentResponse),
      responseDescription: 'A page of deployments with their status history',
      handler: async ({ params, query, credentials }) => {
        await authorizeModel(credentials, modelReadPermission, params.name);
        return services.deployments.list(params.name, {
          ...query,
          limit: query.limit ?? 50,
        });
      },
    }),
    route({
      method: 'get',
      path: '/models/:name/drift/reports',
      operationId: 'listDriftReports',
      summary: 'The drift reports of a model, newest window first',
      tag: 'drift',
      permissions: [modelReadPermission.name],
      params: modelParams,
      query: s.driftReportsQuery,
      status: 200,
      response: pageOf(driftReportResponse),
      responseDescription: 'A page of drift reports',
      handler: async ({ params, query, credentials }) => {
        await authorizeModel(credentials, modelReadPermission, params.name);
        return services.drift.listReports(params.name, {
          ...query,
          limit: query.limit ?? 50,
        });
      },
    }),
    route({
      method: 'get',
      path: '/models/:name/versions/:version/reference-profile',
      operationId: 'getReferenceProfile',
      summary:
        'The reference distributions drift of a version is measured against',
      tag: 'drift',
      permissions: [modelReadPermission.name],
      params: versionParams,
      status: 200,
      response: referenceProfileResponse,
      responseDescription:
        'Histogram and summary statistics per feature; 404 when the version has none',
      handler: async ({ params, credentials }) => {
        await authorizeModel(credentials, modelReadPermission, params.name);
        return services.drift.getReferenceProfile(params.name, params.version);
      },
    }),

    // Lineage and audit
    route({
      method: 'get',
      path: '/models/:name/lineage',
      operationId: 'getLineage',
      summary: 'The lineage graph of a model',
      tag: 'lineage',
      permissions: [modelReadPermission.name],
      params: modelParams,
      status: 200,
      response: lineageResponse,
      responseDescription: 'Nodes and typed edges',
      handler: async ({ params, credentials }) => {
        await authorizeModel(credentials, modelReadPermission, params.name);
        return services.lineage.graph(params.name);
      },
    }),
    route({
      method: 'get',
      path: '/models/:name/audit',
      operationId: 'listAuditRecords',
      summary: 'The audit trail of a model, newest first',
      tag: 'audit',
      permissions: [modelReadPermission.name],
      params: modelParams,
      query: s.auditQuery,
      status: 200,
      response: pageOf(auditResponse),
      responseDescription: 'A page of audit records',
      handler: async ({ params, query, credentials }) => {
        await authorizeModel(credentials, modelReadPermission, params.name);
        return services.audit.list({
          model: params.name,
          ...query,
          limit: query.limit ?? 50,
        });
      },
    }),
  ];
}

function toArray<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** The REST API: validation, permission checks and auditor events. */
/**
 * The paths that accept Backstage's user cookie besides tokens; the plugin
 * registers an auth policy for each.
 */
export const USER_COOKIE_PATHS = [ARTIFACT_PATH];

export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, auditor } = options;
  const routes = createRoutes(options);
  const document = buildOpenApiDocument(routes, options.version);
  const router = Router();
  router.use(express.json({ limit: '2mb' }));

  router.get('/openapi.json', (_req, res) => {
    res.json(document);
  });

  for (const r of routes) {
    router[r.method](r.path, async (req, res) => {
      const credentials = r.unauthenticated
        ? (undefined as unknown as BackstageCredentials)
        : // Explicitly users and services: a path that accepts the cookie
          // lets cookie-only requests past the auth barrier for every method.
          await httpAuth.credentials(req, {
            allow: ['user', 'service'],
            allowLimitedAccess: r.userCookie,
          });
      const params = r.params ? parse(r.params, req.params, 'path') : {};
      const query = parse(r.query ?? s.emptyQuery, req.query, 'query');
      let body: unknown;
      if (r.body) {
        if (!req.is('application/json')) {
          throw new InputError(
            'Invalid body: expected Content-Type application/json',
          );
        }
        body = parse(r.body, req.body, 'body');
      }
      const mutation = r.method !== 'get';
      const auditorEvent = mutation
        ? await auditor.createEvent({
            eventId: r.operationId.replace(
              /[A-Z]/g,
              c => `-${c.toLowerCase()}`,
            ),
            severityLevel: r.method === 'delete' ? 'high' : 'medium',
            request: req,
            meta: { params: req.params },
          })
        : undefined;
      try {
        const result = await r.handler({
          params,
          query,
          body,
          credentials,
          req,
          res,
        });
        await auditorEvent?.success();
        if (mutation) options.onChange?.();
        if (result !== undefined) res.status(r.status).json(result);
      } catch (error) {
        await auditorEvent?.fail({ error: error as Error });
        throw error;
      }
    });
  }
  return router;
}
