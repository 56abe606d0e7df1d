import {
  AuditorService,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { describeInvalidModelName } from '@mlreg/plugin-model-registry-common';
import { MODEL_REGISTRY_EVENT_TYPES } from '@mlreg/plugin-model-registry-node';
import express from 'express';
import Router from 'express-promise-router';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { webhookManagePermission } from './permissions';
import { describeInvalidSecret, generateSecret } from './signature';
import { StoredWebhook, WebhookStore } from './WebhookStore';

/** At most this many webhooks: each event is sent to each one in turn. */
export const MAX_WEBHOOKS = 100;

const createRequest = z.strictObject({
  url: z.url().max(2048),
  description: z.string().max(1000).optional(),
  events: z
    .array(
      z.enum(MODEL_REGISTRY_EVENT_TYPES, {
        error: issue => `unknown event type ${JSON.stringify(issue.input)}`,
      }),
    )
    .min(1)
    .max(MODEL_REGISTRY_EVENT_TYPES.length)
    .optional(),
  models: z
    .array(
      z.string().superRefine((name, ctx) => {
        const invalid = describeInvalidModelName(name);
        if (invalid) ctx.addIssue({ code: 'custom', message: invalid });
      }),
    )
    .min(1)
    .max(100)
    .optional(),
  secret: z
    .string()
    .superRefine((secret, ctx) => {
      const invalid = describeInvalidSecret(secret);
      if (invalid) ctx.addIssue({ code: 'custom', message: invalid });
    })
    .optional(),
});

/** What clients see of a webhook: everything but the secret. */
function publicWebhook({ secret: _, ...webhook }: StoredWebhook) {
  return webhook;
}

/**
 * `/webhooks` under the registry's API: register (the answer carries the
 * secret, once), list and delete outgoing webhooks. Every call needs
 * `model-registry.webhook.manage`; changes are audited.
 */
export function createWebhooksRouter(options: {
  store: WebhookStore;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  /** Accept `http:` URLs (local setups); otherwise `https:` only. */
  allowInsecureUrls: boolean;
}): express.Router {
  const { store, httpAuth, permissions, auditor } = options;
  const router = Router();
  router.use('/webhooks', express.json({ limit: '64kb' }));

  async function authorize(req: express.Request) {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const [decision] = await permissions.authorize(
      [{ permission: webhookManagePermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `not allowed: ${webhookManagePermission.name} is required`,
      );
    }
    return credentials;
  }

  router.get('/webhooks', async (req, res) => {
    await authorize(req);
    res.json({ items: (await store.list()).map(publicWebhook) });
  });

  router.post('/webhooks', async (req, res) => {
    const audit = await auditor.createEvent({
      eventId: 'webhook-create',
      severityLevel: 'medium',
      request: req,
    });
    try {
      const credentials = await authorize(req);
      if (!req.is('application/json')) {
        throw new InputError(
          'Invalid body: expected Content-Type application/json',
        );
      }
      const parsed = createRequest.safeParse(req.body);
      if (!parsed.success) {
        throw new InputError(
          `Invalid body: ${parsed.error.issues
            .map(i => `${i.path.join('.') || 'body'}: ${i.message}`)
            .join('; ')}`,
        );
      }
      const body = parsed.data;
      const protocol = new URL(body.url).protocol;
      if (
        protocol !== 'https:' &&
        !(protocol === 'http:' && options.allowInsecureUrls)
      ) {
        throw new InputError(
          `Invalid body: url must be https${
            options.allowInsecureUrls ? ' or http' : ''
          }`,
        );
      }
      if ((await store.count()) >= MAX_WEBHOOKS) {
        throw new InputError(
          `At most ${MAX_WEBHOOKS} webhooks can be registered`,
        );
      }
      const webhook: StoredWebhook = {
        id: randomUUID(),
        url: body.url,
        description: body.description ?? '',
        secret: body.secret ?? generateSecret(),
        events: body.events,
        models: body.models,
        createdBy:
          'userEntityRef' in credentials.principal
            ? credentials.principal.userEntityRef
            : `service:${
                (credentials.principal as { subject: string }).subject
              }`,
        createdAt: new Date().toISOString(),
      };
      await store.create(webhook);
      await audit.success({
        meta: { webhookId: webhook.id, url: webhook.url },
      });
      res
        .status(201)
        .json({ ...publicWebhook(webhook), secret: webhook.secret });
    } catch (error) {
      await audit.fail({ error: error as Error });
      throw error;
    }
  });

  router.delete('/webhooks/:id', async (req, res) => {
    const audit = await auditor.createEvent({
      eventId: 'webhook-delete',
      severityLevel: 'high',
      request: req,
      meta: { webhookId: req.params.id },
    });
    try {
      await authorize(req);
      if (!(await store.delete(req.params.id))) {
        throw new NotFoundError(`no webhook ${req.params.id}`);
      }
      await audit.success();
      res.status(204).end();
    } catch (error) {
      await audit.fail({ error: error as Error });
      throw error;
    }
  });

  return router;
}
