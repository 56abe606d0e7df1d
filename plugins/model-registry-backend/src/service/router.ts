import {
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  AuthorizeResult,
  BasicPermission,
} from '@backstage/plugin-permission-common';
import {
  ConditionTransformer,
  createConditionTransformer,
} from '@backstage/plugin-permission-node';
import {
  modelCreatePermission,
  modelReadPermission,
} from '@mlreg/plugin-model-registry-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import {
  ModelFilter,
  ModelFilterCondition,
  modelPermissionRules,
} from '../permissions/rules';
import { ModelService } from './ModelService';

const entityRef = z
  .string()
  .regex(
    /^[a-z]+:[a-z0-9-_.]+\/[a-z0-9-_.]+$/i,
    'must be an entity ref like group:default/data-science',
  );

const createModelBody = z
  .object({
    name: z.string(),
    owner: entityRef,
    description: z.string().max(10_000).optional(),
    task: z.string().max(64).optional(),
    framework: z.string().max(64).optional(),
    tags: z
      .array(z.string().regex(/^[a-z0-9][a-z0-9-:.]{0,62}$/, 'invalid tag'))
      .max(50)
      .optional(),
    links: z
      .object({
        repoUrl: z.string().url().max(2048).optional(),
        jiraProject: z
          .string()
          .regex(/^[A-Z][A-Z0-9_]{1,19}$/, 'invalid Jira project key')
          .optional(),
        slackChannel: z.string().max(80).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

const listModelsQuery = z
  .object({
    search: z.string().max(63).optional(),
    owner: entityRef.optional(),
    limit: z.coerce.number().int().min(1).max(200).optional(),
    cursor: z.string().max(512).optional(),
  })
  .strict();

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issues = result.error.issues
      .map(i => `${i.path.join('.') || what}: ${i.message}`)
      .join('; ');
    throw new InputError(`invalid ${what}: ${issues}`);
  }
  return result.data;
}

/** The entity ref of a user, or `service:<subject>` for a calling service. */
function actorOf(credentials: BackstageCredentials): string {
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

const transformModelConditions: ConditionTransformer<ModelFilterCondition> =
  createConditionTransformer(modelPermissionRules);

/** The REST API of the registry: validation and permission checks. */
export async function createRouter(options: {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  models: ModelService;
}): Promise<express.Router> {
  const { httpAuth, permissions, models } = options;
  const router = Router();
  router.use(express.json({ limit: '1mb' }));

  async function authorizeBasic(
    req: express.Request,
    permission: BasicPermission,
  ) {
    const credentials = await httpAuth.credentials(req);
    const [decision] = await permissions.authorize([{ permission }], {
      credentials,
    });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`not allowed: ${permission.name}`);
    }
    return credentials;
  }

  // The SQL filter of the models the caller may read: undefined when they
  // may read all of them, null when they may read none.
  async function readFilter(
    req: express.Request,
  ): Promise<ModelFilter | null | undefined> {
    const credentials = await httpAuth.credentials(req);
    const [decision] = await permissions.authorizeConditional(
      [{ permission: modelReadPermission }],
      { credentials },
    );
    if (decision.result === AuthorizeResult.CONDITIONAL) {
      return transformModelConditions(decision.conditions);
    }
    return decision.result === AuthorizeResult.ALLOW ? undefined : null;
  }

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/models', async (req, res) => {
    const query = parse(listModelsQuery, req.query, 'query');
    const filter = await readFilter(req);
    if (filter === null) {
      res.json({ items: [] });
      return;
    }
    res.json(await models.listModels({ ...query, filter }));
  });

  router.get('/models/:name', async (req, res) => {
    const { name } = req.params;
    const credentials = await httpAuth.credentials(req);
    const [decision] = await permissions.authorize(
      [{ permission: modelReadPermission, resourceRef: name }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      // A model the caller may not read looks exactly like a missing one.
      throw new NotFoundError(`model "${name}" not found`);
    }
    res.json(await models.getModel(name));
  });

  router.post('/models', async (req, res) => {
    const credentials = await authorizeBasic(req, modelCreatePermission);
    const body = parse(createModelBody, req.body, 'body');
    const actor = actorOf(credentials);
    res.status(201).json(await models.createModel(body, actor));
  });

  return router;
}
