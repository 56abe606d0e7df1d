import {
  BackstageCredentials,
  HttpAuthService,
} from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ResponseError,
} from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { ModelRegistryService } from '@mlreg/plugin-model-registry-node';
import express from 'express';
import Router from 'express-promise-router';
import { DATASET_ANNOTATION, datasetKey, outputVersions } from './linking';
import { LineageDataset, RunEvent, validateEvent } from './validate';

/** Where the OpenLineage HTTP transport posts, under the registry's URL. */
export const OPENLINEAGE_PATH = '/openlineage/api/v1/lineage';

/** The registry's error again, with its status, for the caller. */
function rethrow(error: unknown): never {
  if (!(error instanceof ResponseError)) throw error;
  const message = error.body.error.message;
  switch (error.response.status) {
    case 400:
      throw new InputError(message);
    case 403:
      throw new NotAllowedError(message);
    case 404:
      throw new NotFoundError(message);
    case 409:
      throw new ConflictError(message);
    default:
      throw error;
  }
}

/** Resources of the catalog that declare one of the datasets. */
async function resourcesOf(
  catalog: CatalogService,
  datasets: LineageDataset[],
  credentials: BackstageCredentials,
): Promise<Map<string, string>> {
  const keys = [...new Set(datasets.map(datasetKey))];
  if (keys.length === 0) return new Map();
  const { items } = await catalog.getEntities(
    {
      filter: {
        kind: 'Resource',
        [`metadata.annotations.${DATASET_ANNOTATION}`]: keys,
      },
      fields: [
        'kind',
        'metadata.name',
        'metadata.namespace',
        'metadata.annotations',
      ],
    },
    { credentials },
  );
  const refs = new Map<string, string>();
  for (const entity of items) {
    const key = entity.metadata.annotations?.[DATASET_ANNOTATION];
    if (key) {
      refs.set(
        key,
        `resource:${entity.metadata.namespace ?? 'default'}/${
          entity.metadata.name
        }`,
      );
    }
  }
  return refs;
}

/**
 * Accepts OpenLineage events as the HTTP transport sends them. A RunEvent
 * whose outputs are registered model versions links its run and inputs to
 * them; other valid events are accepted and ignored.
 */
export function createOpenLineageRouter(options: {
  registry: ModelRegistryService;
  catalog: CatalogService;
  httpAuth: HttpAuthService;
}): express.Router {
  const { registry, catalog, httpAuth } = options;
  const router = Router();
  router.post(
    OPENLINEAGE_PATH,
    express.json({ limit: '5mb' }),
    async (req, res) => {
      const credentials = await httpAuth.credentials(req, {
        allow: ['user', 'service'],
      });
      const parsed = validateEvent(req.body);
      if (parsed.kind !== 'run') {
        res.status(200).json({ linked: [] });
        return;
      }
      const event: RunEvent = parsed.event;
      const targets = outputVersions(event);
      if (targets.length === 0) {
        res.status(200).json({ linked: [] });
        return;
      }
      const inputs = event.inputs ?? [];
      const resources = await resourcesOf(catalog, inputs, credentials);
      const linked = [];
      for (const target of targets) {
        try {
          await registry.recordVersionRun(
            target.model,
            target.version,
            {
              runId: event.run.runId,
              job: `${event.job.namespace}/${event.job.name}`,
              eventType: event.eventType ?? 'OTHER',
              eventTime: event.eventTime,
              producer: event.producer,
              inputs: inputs.map(input => ({
                namespace: input.namespace,
                name: input.name,
                ...(resources.has(datasetKey(input))
                  ? { entityRef: resources.get(datasetKey(input)) }
                  : {}),
              })),
            },
            { credentials },
          );
        } catch (error) {
          rethrow(error);
        }
        linked.push(target);
      }
      res.status(201).json({ linked });
    },
  );
  return router;
}
