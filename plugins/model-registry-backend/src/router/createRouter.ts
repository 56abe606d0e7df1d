import {
  AuditorService,
  BackstageCredentials,
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { modelRegistrySchemas } from '@mlreg/plugin-model-registry-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { RegistryAuthorization } from './authorization';
import { buildOpenApiDocument } from './openapi';
import { checkResponse, publicError } from './answers';
import { idempotencyClaimOf, runOnce } from './idempotency';
import { Route } from './route';
import { assertStorableText } from './storableText';
import { RegistryServices, RouteContext } from './RouteContext';
import { aliasRoutes } from './routes/aliases';
import { artifactRoutes } from './routes/artifacts';
import { auditRoutes } from './routes/audit';
import { deploymentRoutes } from './routes/deployments';
import { healthRoutes } from './routes/health';
import { integrationRoutes } from './routes/integrations';
import { kpiRoutes } from './routes/kpis';
import { lineageRoutes } from './routes/lineage';
import { modelRoutes } from './routes/models';
import { monitoringRoutes } from './routes/monitoring';
import { versionRoutes } from './routes/versions';

export type { RegistryServices } from './RouteContext';
export { AUTH_POLICIES } from './authPolicies';

export interface RouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  logger: LoggerService;
  services: RegistryServices;
  /** Package version, shown in the OpenAPI document. */
  version: string;
  /** Called after every successful change. */
  onChange?: () => void;
  /**
   * Checks every answer against its operation's response schema and fails
   * the request when they differ; for tests, so the API document cannot
   * drift from what is sent.
   */
  validateResponses?: boolean;
}

/** Every implemented operation, one file of routes per resource. */
export function createRoutes(context: RouteContext): Route[] {
  return [
    ...healthRoutes(),
    ...modelRoutes(context),
    ...versionRoutes(context),
    ...artifactRoutes(context),
    ...aliasRoutes(context),
    ...kpiRoutes(context),
    ...monitoringRoutes(context),
    ...deploymentRoutes(context),
    ...lineageRoutes(context),
    ...auditRoutes(context),
    ...integrationRoutes(context),
  ];
}

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  assertStorableText(value, what);
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

/** `registerVersion` → `register-version`, the auditor's event id. */
function auditorEventId(operationId: string): string {
  return operationId.replace(/[A-Z]/g, c => `-${c.toLowerCase()}`);
}

/** The REST API: credentials, validation, auditor events, change hook. */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, auditor } = options;
  const access = new RegistryAuthorization(options.permissions);
  const { idempotency } = options.services;
  const routes = createRoutes({ services: options.services, access });
  const document = buildOpenApiDocument(routes, options.version);
  const router = Router();
  // Only JSON operations parse a body: an upload must reach its handler as
  // the untouched byte stream, whatever Content-Type it was sent with.
  const json = express.json({ limit: '2mb' });

  router.get('/openapi.json', (_req, res) => {
    res.json(document);
  });

  for (const { operationId, operation, handler } of routes) {
    const middleware = operation.body ? [json] : [];
    router[operation.method](
      operation.path,
      ...middleware,
      async (req, res) => {
        const credentials =
          operation.auth === 'none'
            ? (undefined as unknown as BackstageCredentials)
            : // Explicitly users and services: a path that accepts the cookie
              // lets cookie-only requests past the auth barrier for every method.
              await httpAuth.credentials(req, {
                allow: ['user', 'service'],
                allowLimitedAccess: operation.auth === 'user-cookie',
              });
        const params = operation.params
          ? parse(operation.params, req.params, 'path')
          : {};
        const query = parse(
          operation.query ?? modelRegistrySchemas.emptyQuery,
          req.query,
          'query',
        );
        let body: unknown;
        if (operation.body) {
          if (!req.is('application/json')) {
            throw new InputError(
              'Invalid body: expected Content-Type application/json',
            );
          }
          body = parse(operation.body, req.body, 'body');
        }
        const mutation = operation.method !== 'get';
        const auditorEvent = mutation
          ? await auditor.createEvent({
              eventId: auditorEventId(operationId),
              severityLevel: operation.method === 'delete' ? 'high' : 'medium',
              request: req,
              meta: { params: req.params },
            })
          : undefined;
        const claim =
          operation.method === 'post'
            ? idempotencyClaimOf(req, operationId, body, credentials)
            : undefined;
        let outcome: Awaited<ReturnType<typeof runOnce>>;
        try {
          await access.authorizeOperation(
            operation,
            params as { name?: string },
            credentials,
          );
          const run = () =>
            handler({ params, query, body, credentials, req, res });
          outcome = claim
            ? await runOnce(idempotency, claim, operation.status, run)
            : { result: await run() };
          await auditorEvent?.success();
        } catch (error) {
          await auditorEvent?.fail({ error: error as Error });
          throw publicError(error, operationId, options.logger);
        }
        if ('replayed' in outcome) {
          res.setHeader('Idempotent-Replayed', 'true');
          res.status(outcome.replayed.status).json(outcome.replayed.body);
          return;
        }
        const { result } = outcome;
        if (mutation) options.onChange?.();
        if (res.headersSent) return;
        if (result === undefined) {
          res.status(operation.status).end();
          return;
        }
        if (options.validateResponses && operation.response) {
          checkResponse(operationId, operation.response, result);
        }
        res.status(operation.status).json(result);
      },
    );
  }
  return router;
}
