import {
  createBackendModule,
  createServiceFactory,
  coreServices,
} from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import {
  ModelDeploymentTarget,
  ModelMonitoringSource,
  ModelRegistryEvent,
  modelRegistryDeploymentTargetsExtensionPoint,
  modelRegistryEventSubscribersExtensionPoint,
  modelRegistryMonitoringSourcesExtensionPoint,
} from '@mlreg/plugin-model-registry-node';
import request from 'supertest';
import { databases, startRegistry } from '../__testUtils__/startRegistry';

jest.setTimeout(60_000);

/** A deployment target that records what it is asked and always succeeds. */
const fakeTarget: ModelDeploymentTarget = {
  kind: 'fake',
  async deploy({ version, current }) {
    const applied = {
      version: version.version,
      spec: { uri: version.artifact.uri },
    };
    return { applied, replaced: current, status: { status: 'succeeded' } };
  },
  async getStatus() {
    return { status: 'succeeded' };
  },
  async rollback({ to, from }) {
    return { applied: to, replaced: from, status: { status: 'progressing' } };
  },
};

const fakeSource: ModelMonitoringSource = {
  id: 'fake-metrics',
  async queryInstant({ scope }) {
    return [
      {
        labels: { model: scope.model },
        timestamp: '2026-01-01T00:00:00Z',
        value: 1,
      },
    ];
  },
  async queryRange() {
    return [];
  },
};

/** A module of the kind integrations are: it only uses the node package. */
function testModule(moduleId: string, received: ModelRegistryEvent[] = []) {
  return createBackendModule({
    pluginId: 'model-registry',
    moduleId,
    register(reg) {
      reg.registerInit({
        deps: {
          subscribers: modelRegistryEventSubscribersExtensionPoint,
          targets: modelRegistryDeploymentTargetsExtensionPoint,
          sources: modelRegistryMonitoringSourcesExtensionPoint,
        },
        async init({ subscribers, targets, sources }) {
          subscribers.addSubscriber({
            id: 'test-sink',
            filter: { types: ['model.created'] },
            retry: { maxAttempts: 2 },
            deliver: async event => void received.push(event),
          });
          targets.addDeploymentTarget(fakeTarget);
          sources.addMonitoringSource(fakeSource);
        },
      });
    },
  });
}

/** A logger whose `info` calls a test can read. */
function recordingLogger() {
  const logger = mockServices.logger.mock();
  logger.child.mockReturnValue(logger);
  return {
    logger,
    factory: createServiceFactory({
      service: coreServices.logger,
      deps: {},
      factory: () => logger,
    }),
  };
}

describe.each(databases.eachSupportedId())(
  'registry extension points (%s)',
  databaseId => {
    it('deliver matching events to a module subscriber and list what modules installed', async () => {
      const received: ModelRegistryEvent[] = [];
      const { logger, factory } = recordingLogger();
      const { server } = await startRegistry(databaseId, {
        features: [testModule('test', received), factory],
      });

      expect(logger.info).toHaveBeenCalledWith('Installed integrations', {
        eventSubscribers: 'test-sink, events-service',
        deploymentTargets: 'fake',
        monitoringSources: 'fake-metrics',
      });

      await request(server)
        .post('/api/model-registry/models')
        .send({ name: 'churn', owner: 'group:default/ds' })
        .expect(201);
      await request(server)
        .patch('/api/model-registry/models/churn')
        .send({ description: 'not a model.created event' })
        .expect(200);

      // The dispatcher runs on the scheduler, poked by the change.
      for (let i = 0; i < 100 && received.length === 0; i++) {
        await new Promise(resolve => setTimeout(resolve, 100));
      }
      expect(received).toEqual([
        expect.objectContaining({
          type: 'model.created',
          model: 'churn',
          eventId: expect.any(String),
        }),
      ]);
    });

    it('refuse to start when two modules register the same subscriber id', async () => {
      await expect(
        startRegistry(databaseId, {
          features: [testModule('one'), testModule('two')],
        }),
      ).rejects.toThrow(
        /Model Registry event subscriber "test-sink" is registered twice/,
      );
    });

    it('refuse to start on a malformed registration or retry configuration', async () => {
      const badFilter = createBackendModule({
        pluginId: 'model-registry',
        moduleId: 'bad-filter',
        register(reg) {
          reg.registerInit({
            deps: { subscribers: modelRegistryEventSubscribersExtensionPoint },
            async init({ subscribers }) {
              subscribers.addSubscriber({
                id: 'jira',
                filter: { types: ['model.exploded' as any] },
                deliver: async () => {},
              });
            },
          });
        },
      });
      await expect(
        startRegistry(databaseId, { features: [badFilter] }),
      ).rejects.toThrow(
        /"jira" filters on unknown event type "model.exploded"/,
      );

      await expect(
        startRegistry(databaseId, {
          config: { outbox: { retry: { maxAttempts: 0 } } },
        }),
      ).rejects.toThrow(
        'modelRegistry.outbox.retry: maxAttempts must be a whole number of at least 1, got 0',
      );
    });
  },
);
