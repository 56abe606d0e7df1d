import {
  AuthService,
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  ANNOTATION_GITHUB_PROJECT_SLUG,
  deliveryReadPermission,
  getModelRegistryName,
  MODEL_ENTITY_KIND,
} from '@mlreg/plugin-model-registry-common';
import { ModelRegistryService } from '@mlreg/plugin-model-registry-node';
import express from 'express';
import Router from 'express-promise-router';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { GithubDeliveryStore } from './GithubDeliveryStore';
import { versionRequestOf } from './versionRequests';

/** GitHub caps webhook payloads at 25 MB. */
const MAX_BODY = '25mb';

/** Whether `signature` (`sha256=<hex>`) is the HMAC of `body` under one of `secrets`. */
export function verifySignature(
  secrets: string[],
  body: Buffer,
  signature: string | undefined,
): boolean {
  if (!signature?.startsWith('sha256=')) return false;
  const given = Buffer.from(signature);
  let valid = false;
  // Every secret is checked, so the time taken does not say which matched.
  for (const secret of secrets) {
    const expected = Buffer.from(
      `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
    );
    if (given.length === expected.length && timingSafeEqual(given, expected)) {
      valid = true;
    }
  }
  return valid;
}

/** The registry models whose catalog entity names `repository` (`github.com/project-slug`). */
async function modelsOf(
  catalog: CatalogService,
  auth: AuthService,
  repository: string,
): Promise<string[]> {
  const { items } = await catalog.getEntities(
    {
      filter: {
        kind: MODEL_ENTITY_KIND,
        [`metadata.annotations.${ANNOTATION_GITHUB_PROJECT_SLUG}`]: repository,
      },
      fields: [
        'kind',
        'metadata.name',
        'metadata.annotations',
        'spec.registryName',
      ],
    },
    { credentials: await auth.getOwnServiceCredentials() },
  );
  // The catalog matches annotation values case-insensitively; GitHub names too.
  return [...new Set(items.map(getModelRegistryName))].sort();
}

/**
 * `POST /github/webhook` (unauthenticated; verified by signature) and
 * `GET /github/deliveries` (for operators, `model-registry.delivery.read`).
 */
export function createGithubRouter(options: {
  secrets: string[];
  metadataFile: string;
  store: GithubDeliveryStore;
  registry: ModelRegistryService;
  catalog: CatalogService;
  auth: AuthService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  logger: LoggerService;
}): express.Router {
  const { store, registry, auth, logger } = options;
  const router = Router();

  router.post(
    '/github/webhook',
    express.raw({ type: () => true, limit: MAX_BODY }),
    async (req, res) => {
      const event = req.header('x-github-event');
      const deliveryId = req.header('x-github-delivery');
      const body: Buffer = Buffer.isBuffer(req.body)
        ? req.body
        : Buffer.alloc(0);
      const signature = req.header('x-hub-signature-256');
      if (!verifySignature(options.secrets, body, signature)) {
        const reason = signature
          ? 'X-Hub-Signature-256 does not match'
          : 'X-Hub-Signature-256 is missing';
        await store.reject({ claimedDeliveryId: deliveryId, event, reason });
        logger.warn(
          `Refused GitHub delivery ${deliveryId ?? '(no id)'}: ${reason}`,
        );
        res
          .status(401)
          .json({ error: { name: 'AuthenticationError', message: reason } });
        return;
      }
      if (!event || !deliveryId || !/^[A-Za-z0-9-]{1,64}$/.test(deliveryId)) {
        res.status(400).json({
          error: {
            name: 'InputError',
            message:
              'X-GitHub-Event and X-GitHub-Delivery (1-64 letters, digits, -) are required',
          },
        });
        return;
      }
      let payload: unknown;
      try {
        payload = JSON.parse(body.toString('utf8'));
      } catch {
        res.status(400).json({
          error: {
            name: 'InputError',
            message:
              'The body is not JSON (set the content type to application/json)',
          },
        });
        return;
      }
      if (event === 'ping') {
        res.status(200).json({ outcome: 'pong' });
        return;
      }
      const action = versionRequestOf(event, payload, {
        metadataFile: options.metadataFile,
        deliveryId,
      });
      if (
        !(await store.claim({
          deliveryId,
          event,
          repository: action.repository,
        }))
      ) {
        res.status(200).json({ outcome: 'duplicate' });
        return;
      }
      if ('ignore' in action) {
        await store.settle(deliveryId, 'ignored', action.ignore);
        res.status(200).json({ outcome: 'ignored', reason: action.ignore });
        return;
      }
      try {
        const models = await modelsOf(options.catalog, auth, action.repository);
        if (models.length === 0) {
          const reason = `no Model entity is annotated ${ANNOTATION_GITHUB_PROJECT_SLUG}: ${action.repository}`;
          await store.settle(deliveryId, 'ignored', reason);
          res.status(200).json({ outcome: 'ignored', reason });
          return;
        }
        const credentials = await auth.getOwnServiceCredentials();
        const versions = [];
        for (const model of models) {
          const created = await registry.registerVersion(
            model,
            action.register,
            { credentials },
          );
          versions.push({ model, version: created.version });
        }
        await store.settle(
          deliveryId,
          'registered',
          versions.map(v => `${v.model} v${v.version}`).join(', '),
        );
        res.status(201).json({ outcome: 'registered', versions });
      } catch (error) {
        const status = (error as { statusCode?: number }).statusCode;
        const message = `Registering the version failed: ${
          (error as Error).message
        }`;
        await store.settle(deliveryId, 'failed', message);
        logger.warn(`GitHub delivery ${deliveryId}: ${message}`);
        // The registry refused (4xx): redelivering will not help. Otherwise
        // the registry or catalog is unreachable: GitHub may redeliver.
        res
          .status(status && status >= 400 && status < 500 ? 422 : 503)
          .json({ error: { name: 'DeliveryFailedError', message } });
      }
    },
  );

  router.get('/github/deliveries', async (req, res) => {
    const credentials = await options.httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const [decision] = await options.permissions.authorize(
      [{ permission: deliveryReadPermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `not allowed: ${deliveryReadPermission.name} is required`,
      );
    }
    res.json(await store.recent(100));
  });

  return router;
}
