import { AuthenticationError, NotAllowedError } from '@backstage/errors';
import { HttpAuthService, LoggerService } from '@backstage/backend-plugin-api';
import express from 'express';
import Router from 'express-promise-router';
import { MlflowError } from './errors';
import { MlflowService } from './MlflowService';
import { Message, MessageSpec, readMessage } from './request';

/** Where the API is served, under the registry's base URL. */
export const MLFLOW_BASE_PATH = '/mlflow';

/** The path prefixes MLflow clients use: the current and the pre-2.0 one. */
export const MLFLOW_PREFIXES = ['/api/2.0/mlflow', '/api/2.0/preview/mlflow'];

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

interface Endpoint<S extends MessageSpec> {
  methods: Method[];
  path: string;
  request: S;
  handle: (
    service: MlflowService,
    message: Message<S>,
    call: Parameters<MlflowService['getRegisteredModel']>[1],
  ) => Promise<object>;
}

function endpoint<S extends MessageSpec>(e: Endpoint<S>) {
  return e as unknown as Endpoint<MessageSpec>;
}

const name = { type: 'string', required: true } as const;
const version = { type: 'string', required: true } as const;
const search = {
  filter: { type: 'string' },
  max_results: { type: 'int' },
  order_by: { type: 'strings' },
  page_token: { type: 'string' },
} as const;

/** The ModelRegistryService of MLflow's `model_registry.proto`. */
export const MLFLOW_ENDPOINTS = [
  endpoint({
    methods: ['POST'],
    path: '/registered-models/create',
    request: {
      name,
      tags: { type: 'tags' },
      description: { type: 'string' },
    },
    handle: (s, m, c) => s.createRegisteredModel(m, c),
  }),
  endpoint({
    methods: ['POST'],
    path: '/registered-models/rename',
    request: { name, new_name: { type: 'string' } },
    handle: (s, m, c) => s.renameRegisteredModel(m, c),
  }),
  endpoint({
    methods: ['PATCH'],
    path: '/registered-models/update',
    request: { name, description: { type: 'string' } },
    handle: (s, m, c) => s.updateRegisteredModel(m, c),
  }),
  endpoint({
    methods: ['DELETE'],
    path: '/registered-models/delete',
    request: { name },
    handle: (s, m, c) => s.deleteRegisteredModel(m, c),
  }),
  endpoint({
    methods: ['GET'],
    path: '/registered-models/get',
    request: { name },
    handle: (s, m, c) => s.getRegisteredModel(m, c),
  }),
  endpoint({
    methods: ['GET'],
    path: '/registered-models/search',
    request: search,
    handle: (s, m, c) => s.searchRegisteredModels(m, c),
  }),
  endpoint({
    methods: ['POST', 'GET'],
    path: '/registered-models/get-latest-versions',
    request: { name, stages: { type: 'strings' } },
    handle: (s, m, c) => s.getLatestVersions(m, c),
  }),
  endpoint({
    methods: ['POST'],
    path: '/registered-models/set-tag',
    request: {
      name,
      key: { type: 'string', required: true },
      value: { type: 'string', required: true },
    },
    handle: (s, m, c) => s.setRegisteredModelTag(m, c),
  }),
  endpoint({
    methods: ['DELETE'],
    path: '/registered-models/delete-tag',
    request: { name, key: { type: 'string', required: true } },
    handle: (s, m, c) => s.deleteRegisteredModelTag(m, c),
  }),
  endpoint({
    methods: ['POST'],
    path: '/registered-models/alias',
    request: { name, alias: { type: 'string', required: true }, version },
    handle: (s, m, c) => s.setRegisteredModelAlias(m, c),
  }),
  endpoint({
    methods: ['DELETE'],
    path: '/registered-models/alias',
    request: { name, alias: { type: 'string', required: true } },
    handle: (s, m, c) => s.deleteRegisteredModelAlias(m, c),
  }),
  endpoint({
    methods: ['GET'],
    path: '/registered-models/alias',
    request: { name, alias: { type: 'string', required: true } },
    handle: (s, m, c) => s.getModelVersionByAlias(m, c),
  }),
  endpoint({
    methods: ['POST'],
    path: '/model-versions/create',
    request: {
      name,
      source: { type: 'string', required: true },
      run_id: { type: 'string' },
      tags: { type: 'tags' },
      run_link: { type: 'string' },
      description: { type: 'string' },
      model_id: { type: 'string' },
    },
    handle: (s, m, c) => s.createModelVersion(m, c),
  }),
  endpoint({
    methods: ['PATCH'],
    path: '/model-versions/update',
    request: { name, version, description: { type: 'string' } },
    handle: (s, m, c) => s.updateModelVersion(m, c),
  }),
  endpoint({
    methods: ['POST'],
    path: '/model-versions/transition-stage',
    request: {
      name,
      version,
      stage: { type: 'string', required: true },
      archive_existing_versions: { type: 'bool', required: true },
    },
    handle: (s, m, c) => s.transitionModelVersionStage(m, c),
  }),
  endpoint({
    methods: ['DELETE'],
    path: '/model-versions/delete',
    request: { name, version },
    handle: (s, m, c) => s.deleteModelVersion(m, c),
  }),
  endpoint({
    methods: ['GET'],
    path: '/model-versions/get',
    request: { name, version },
    handle: (s, m, c) => s.getModelVersion(m, c),
  }),
  endpoint({
    methods: ['GET'],
    path: '/model-versions/search',
    request: search,
    handle: (s, m, c) => s.searchModelVersions(m, c),
  }),
  endpoint({
    methods: ['GET'],
    path: '/model-versions/get-download-uri',
    request: { name, version },
    handle: (s, m, c) => s.getModelVersionDownloadUri(m, c),
  }),
  endpoint({
    methods: ['POST'],
    path: '/model-versions/set-tag',
    request: {
      name,
      version,
      key: { type: 'string', required: true },
      value: { type: 'string', required: true },
    },
    handle: (s, m, c) => s.setModelVersionTag(m, c),
  }),
  endpoint({
    methods: ['DELETE'],
    path: '/model-versions/delete-tag',
    request: { name, version, key: { type: 'string', required: true } },
    handle: (s, m, c) => s.deleteModelVersionTag(m, c),
  }),
];

/**
 * MLflow's model registry REST API under `/mlflow` of the registry's base
 * URL, on both prefixes. Errors are MLflow's `{error_code, message}`.
 */
export function createMlflowRouter(options: {
  service: MlflowService;
  httpAuth: HttpAuthService;
  logger: LoggerService;
}): express.Router {
  const { service, httpAuth, logger } = options;
  const router = Router();
  // MLflow's server reads the body as JSON whatever its content type.
  router.use(express.json({ type: () => true, limit: '1mb', strict: false }));

  const byPath = new Map<string, Endpoint<MessageSpec>[]>();
  for (const e of MLFLOW_ENDPOINTS) {
    byPath.set(e.path, [...(byPath.get(e.path) ?? []), e]);
  }
  for (const prefix of MLFLOW_PREFIXES) {
    for (const [path, endpoints] of byPath) {
      router.all(`${prefix}${path}`, async (req, res) => {
        const e = endpoints.find(c => c.methods.includes(req.method as Method));
        if (!e) {
          throw new MlflowError(
            'BAD_REQUEST',
            `Method ${
              req.method
            } is not allowed for ${prefix}${path}; use ${endpoints
              .flatMap(c => c.methods)
              .join(' or ')}.`,
          );
        }
        const credentials = await httpAuth.credentials(req, {
          allow: ['user', 'service'],
        });
        const fromQuery =
          req.method === 'GET' && Object.keys(req.query).length > 0;
        const input = fromQuery ? req.query : req.body ?? {};
        if (typeof input !== 'object' || Array.isArray(input)) {
          throw MlflowError.invalid('The request body must be a JSON object.');
        }
        const message = readMessage(
          e.request,
          input as Record<string, unknown>,
          fromQuery,
        );
        res.json(await e.handle(service, message, { credentials }));
      });
    }
    router.all(`${prefix}/*`, (req, _res) => {
      throw new MlflowError(
        'ENDPOINT_NOT_FOUND',
        `No MLflow model registry endpoint ${req.method} ${req.path}.`,
      );
    });
  }

  router.use(
    (
      error: Error,
      _req: express.Request,
      res: express.Response,
      next: express.NextFunction,
    ) => {
      if (res.headersSent) {
        next(error);
        return;
      }
      let mlflow: MlflowError;
      if (error instanceof MlflowError) {
        mlflow = error;
      } else if (error instanceof AuthenticationError) {
        mlflow = new MlflowError('UNAUTHENTICATED', error.message);
      } else if (error instanceof NotAllowedError) {
        mlflow = new MlflowError('PERMISSION_DENIED', error.message);
      } else if (
        (error as { type?: string }).type === 'entity.parse.failed' ||
        (error as { type?: string }).type === 'entity.too.large'
      ) {
        mlflow = MlflowError.invalid(
          `Malformed request body: ${error.message}`,
        );
      } else {
        logger.error('MLflow API request failed', error);
        mlflow = new MlflowError('INTERNAL_ERROR', 'Internal error');
      }
      res.status(mlflow.status).json(mlflow.toJSON());
    },
  );
  return router;
}
