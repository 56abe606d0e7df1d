import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { modelRegistryPermissions } from '@mlreg/plugin-model-registry-common';
import {
  modelRegistryDeploymentTargetsExtensionPoint,
  modelRegistryEventSubscribersExtensionPoint,
  modelRegistryMonitoringSourcesExtensionPoint,
} from '@mlreg/plugin-model-registry-node';
import { RegistryDatabase } from './database/RegistryDatabase';
import { readDeploymentSettings } from './deployment/environments';
import { createExtensionRegistries } from './extensions/ExtensionRegistry';
import { createEventsPublisher } from './outbox/EventsPublisher';
import { OutboxDispatcher } from './outbox/OutboxDispatcher';
import { readLeaseMs, readRetryPolicy } from './outbox/subscriptions';
import {
  modelPermissionResourceRef,
  modelPermissionRules,
} from './permissions/rules';
import { AUTH_POLICIES, createRouter } from './router/createRouter';
import { AliasService } from './service/AliasService';
import { ArtifactCleaner } from './service/ArtifactCleaner';
import { AuditService } from './service/AuditService';
import { createCatalogLookups } from './service/catalogLookups';
import { DeliveryService } from './service/DeliveryService';
import { DeploymentReconciler } from './service/DeploymentReconciler';
import { DeploymentService } from './service/DeploymentService';
import { DriftService, readDriftSettings } from './service/DriftService';
import { MonitorService } from './service/MonitorService';
import { IdempotencyService } from './service/IdempotencyService';
import { IntegrationsService } from './service/IntegrationsService';
import { KpiService } from './service/KpiService';
import { LineageService } from './service/LineageService';
import { ModelService, publicModel } from './service/ModelService';
import { PendingVersionReaper } from './service/PendingVersionReaper';
import { PortfolioService } from './service/PortfolioService';
import { RolloutService } from './service/RolloutService';
import { VersionService } from './service/VersionService';
import { createArtifactStore } from './storage/createArtifactStore';
import packageJson from '../package.json';

/**
 * The Model Registry backend plugin, served under `/api/model-registry`.
 */
export const modelRegistryPlugin = createBackendPlugin({
  pluginId: 'model-registry',
  register(env) {
    // Filled by modules before init runs; a malformed or duplicate
    // registration throws there and stops the backend.
    const registries = createExtensionRegistries();
    env.registerExtensionPoint(modelRegistryEventSubscribersExtensionPoint, {
      addSubscriber: (...subscribers) =>
        registries.subscribers.add(...subscribers),
    });
    env.registerExtensionPoint(modelRegistryDeploymentTargetsExtensionPoint, {
      addDeploymentTarget: (...targets) =>
        registries.deploymentTargets.add(...targets),
    });
    env.registerExtensionPoint(modelRegistryMonitoringSourcesExtensionPoint, {
      addMonitoringSource: (...sources) =>
        registries.monitoringSources.add(...sources),
    });

    env.registerInit({
      deps: {
        auth: coreServices.auth,
        auditor: coreServices.auditor,
        catalog: catalogServiceRef,
        config: coreServices.rootConfig,
        database: coreServices.database,
        events: eventsServiceRef,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        logger: coreServices.logger,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        scheduler: coreServices.scheduler,
      },
      async init(deps) {
        const { config, logger, scheduler } = deps;
        const artifacts = await createArtifactStore(config, logger);
        logger.info(`Artifacts are stored in ${artifacts.describe()}`);

        const deploymentSettings = readDeploymentSettings(config);
        const db = await RegistryDatabase.create({ database: deps.database });
        registries.subscribers.add(createEventsPublisher(deps.events));
        const models = new ModelService(db);
        // The dispatcher is built below; changes of the deployer poke it.
        let pokeDispatcher = () => {};
        const rollouts = new RolloutService(db, models, {
          settings: deploymentSettings,
          targets: registries.deploymentTargets,
          sources: registries.monitoringSources,
          servingUri: key => artifacts.uri(key),
          logger,
          onChange: () => pokeDispatcher(),
        });
        rollouts.checkTargets();
        if (deploymentSettings.environments.some(e => e.alias)) {
          registries.subscribers.add({
            id: 'deployments',
            filter: { types: ['alias.created', 'alias.moved'] },
            deliver: event => rollouts.onAliasEvent(event),
          });
        }
        const dispatcher = new OutboxDispatcher({
          db,
          logger,
          subscribers: registries.subscribers.list(),
          retry: readRetryPolicy(config),
          leaseMs: readLeaseMs(config),
        });
        pokeDispatcher = () => dispatcher.poke();
        const catalog = createCatalogLookups(deps.catalog, deps.auth);
        const versions = new VersionService(
          db,
          models,
          artifacts,
          artifacts.maxBytes,
          artifacts.uploads,
        );
        const services = {
          models,
          versions,
          aliases: new AliasService(db, models),
          kpis: new KpiService(db, models, versions),
          audit: new AuditService(db),
          lineage: new LineageService(db, models, catalog.findConsumers),
          deployments: new DeploymentService(db, models),
          rollouts,
          drift: new DriftService(
            db,
            models,
            versions,
            readDriftSettings(config),
          ),
          monitor: new MonitorService(db, models),
          portfolio: new PortfolioService(db, catalog.findEntities),
          /** The outbox's delivery log and replay, for operators. */
          deliveries: new DeliveryService(db, dispatcher),
          /** What modules installed through the extension points. */
          integrations: new IntegrationsService(registries),
          idempotency: new IdempotencyService(db.idempotency),
        };

        const installed = services.integrations.getInstalled();
        logger.info('Installed integrations', {
          eventSubscribers: installed.subscribers.map(s => s.id).join(', '),
          deploymentTargets: installed.deploymentTargets
            .map(t => t.kind)
            .join(', '),
          monitoringSources: installed.monitoringSources
            .map(s => s.id)
            .join(', '),
        });

        deps.permissionsRegistry.addResourceType({
          resourceRef: modelPermissionResourceRef,
          permissions: modelRegistryPermissions,
          rules: modelPermissionRules,
          getResources: async names => {
            const found = await db.read.models.getByNames(names);
            return names.map(name => {
              const model = found.find(m => m.name === name);
              return model && publicModel(model);
            });
          },
        });

        deps.httpRouter.use(
          await createRouter({
            httpAuth: deps.httpAuth,
            permissions: deps.permissions,
            auditor: deps.auditor,
            logger,
            services,
            version: packageJson.version,
            onChange: () => dispatcher.poke(),
            validateResponses:
              config.getOptionalBoolean(
                'modelRegistry.api.validateResponses',
              ) ?? false,
          }),
        );
        for (const policy of AUTH_POLICIES) {
          deps.httpRouter.addAuthPolicy(policy);
        }

        await dispatcher.schedule(scheduler);
        await services.drift.schedule(scheduler, logger);
        if (deploymentSettings.environments.length > 0) {
          const reconciler = new DeploymentReconciler(db, {
            environments: deploymentSettings.environments,
            targets: registries.deploymentTargets,
            logger,
            onChange: () => dispatcher.poke(),
          });
          await scheduler.scheduleTask({
            id: 'model-registry-deployments',
            frequency: { milliseconds: deploymentSettings.pollIntervalMs },
            timeout: { minutes: 5 },
            scope: 'global',
            fn: async () => {
              await rollouts.tick();
            },
          });
          await scheduler.scheduleTask({
            id: 'model-registry-deployments-reconcile',
            frequency: { milliseconds: deploymentSettings.reconcileIntervalMs },
            timeout: { minutes: 5 },
            scope: 'global',
            fn: async () => {
              const result = await reconciler.reconcile();
              logger.info(
                `Compared ${result.pairs} model environments with their clusters: ${result.outOfSync} out of sync`,
              );
            },
          });
        }
        const cleaner = new ArtifactCleaner(db, artifacts, logger);
        await cleaner.schedule(scheduler);
        await new PendingVersionReaper(
          db,
          cleaner,
          logger,
          artifacts.uploads.pendingTimeoutMs,
        ).schedule(scheduler);
      },
    });
  },
});
