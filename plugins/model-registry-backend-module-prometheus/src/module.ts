import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  modelRegistryEventSubscribersExtensionPoint,
  modelRegistryMonitoringSourcesExtensionPoint,
  modelRegistryServiceRef,
} from '@mlreg/plugin-model-registry-node';
import express from 'express';
import Router from 'express-promise-router';
import { AlertmanagerReceiver } from './alertmanager';
import { readPrometheusConfig } from './config';
import { RegistryMetrics } from './metrics';
import { PrometheusClient, prometheusMonitoringSource } from './promql';

/** Where Alertmanager posts notifications, under the registry's base URL. */
export const ALERTMANAGER_PATH = '/alertmanager/webhook';

/**
 * Prometheus for the Model Registry: the registry's metrics on a path of
 * its router, Prometheus as a monitoring source, and an Alertmanager
 * webhook receiver.
 */
export const modelRegistryModulePrometheus = createBackendModule({
  pluginId: 'model-registry',
  moduleId: 'prometheus',
  register(reg) {
    reg.registerInit({
      deps: {
        auth: coreServices.auth,
        cache: coreServices.cache,
        config: coreServices.rootConfig,
        httpRouter: coreServices.httpRouter,
        logger: coreServices.logger,
        registry: modelRegistryServiceRef,
        subscribers: modelRegistryEventSubscribersExtensionPoint,
        sources: modelRegistryMonitoringSourcesExtensionPoint,
      },
      async init({
        auth,
        cache,
        config,
        httpRouter,
        logger,
        registry,
        subscribers,
        sources,
      }) {
        const settings = readPrometheusConfig(config);
        const metrics = new RegistryMetrics(settings.maxSeries, async () => {
          const credentials = await auth.getOwnServiceCredentials();
          return registry.listSubscribers({ credentials });
        });
        subscribers.addSubscriber(metrics.subscriber());

        if (settings.url) {
          const client = new PrometheusClient(settings.url, settings.headers);
          sources.addMonitoringSource(
            prometheusMonitoringSource(client, settings.runtime),
          );
          logger.info(
            `Prometheus monitoring source: ${settings.url} (${settings.runtime})`,
          );
        }

        const router = Router();
        router.get(settings.metricsPath, async (_req, res) => {
          res.setHeader('Content-Type', metrics.registry.contentType);
          res.send(await metrics.registry.metrics());
        });
        if (settings.metricsUnauthenticated) {
          httpRouter.addAuthPolicy({
            path: settings.metricsPath,
            allow: 'unauthenticated',
          });
        }
        if (settings.alertmanagerToken) {
          const receiver = new AlertmanagerReceiver({
            token: settings.alertmanagerToken,
            registry,
            auth,
            cache: cache.withOptions({ defaultTtl: 7 * 24 * 3_600_000 }),
            logger,
          });
          router.post(
            ALERTMANAGER_PATH,
            express.text({ type: () => true, limit: '2mb' }),
            async (req, res) => {
              receiver.authenticate(req.get('authorization'));
              res.json(
                await receiver.receive(
                  typeof req.body === 'string' ? req.body : '',
                ),
              );
            },
          );
          // Alertmanager authenticates with its own bearer token, checked above.
          httpRouter.addAuthPolicy({
            path: ALERTMANAGER_PATH,
            allow: 'unauthenticated',
          });
        }
        httpRouter.use(router);
      },
    });
  },
});
