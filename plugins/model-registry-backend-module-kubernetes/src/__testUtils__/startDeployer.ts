import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
// The module is tested inside the registry plugin it extends.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import modelRegistryPlugin from '@mlreg/plugin-model-registry-backend';
import { ModelRegistryClient } from '@mlreg/plugin-model-registry-common';
import { JsonValue } from '@backstage/types';
import { AddressInfo } from 'node:net';
import kubernetesModule from '../index';
import { FakeKubernetesApi } from './FakeKubernetesApi';
import { FakePrometheus } from './FakePrometheus';
import { prometheusTestSourceModule } from './testMonitoringSource';
import { schedulerOfRegistry } from './schedulerOf';

export const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_15'],
});

/** The environments of the deployer tests, on the fake cluster at `url`. */
export function testEnvironments(url: string) {
  const cluster = {
    name: 'fake',
    url,
    token: 'test-token',
    skipTLSVerify: true,
  };
  const guardrail = {
    source: 'test-prometheus',
    interval: { milliseconds: 100 },
    consecutiveErrorLimit: 0,
  };
  return [
    {
      name: 'staging',
      alias: 'staging',
      targetKind: 'deployment',
      image: 'ghcr.io/example/model-server:1',
      cluster,
      namespace: 'staging',
      rolloutTimeout: { seconds: 30 },
    },
    {
      name: 'production',
      alias: 'production',
      targetKind: 'kserve',
      cluster,
      namespace: 'production',
      canaryTrafficPercent: 10,
      bakeTime: { milliseconds: 300 },
      onMetricsUnavailable: 'abort',
      guardrails: [
        {
          ...guardrail,
          name: 'error-rate',
          query: 'error_rate',
          successCondition: 'result[0] < 0.05',
          count: 2,
        },
      ],
    },
    {
      name: 'canary',
      alias: 'canary',
      targetKind: 'kserve',
      cluster,
      namespace: 'canary',
      canaryTrafficPercent: 20,
      bakeTime: { milliseconds: 300 },
      onMetricsUnavailable: 'hold',
      guardrails: [
        {
          ...guardrail,
          name: 'latency-p99',
          query: 'latency_p99',
          successCondition: 'result < 0.3',
          failureCondition: 'result > 0.5',
          count: 2,
        },
      ],
    },
  ];
}

/**
 * The registry with the Kubernetes module and a Prometheus test source, on a
 * fresh database; scheduled tasks run when the test triggers them.
 */
export async function startDeployer(
  databaseId: TestDatabaseId,
  options: {
    kube: FakeKubernetesApi;
    prometheus: FakePrometheus;
    environments?: JsonValue[];
    deployments?: Record<string, unknown>;
  },
) {
  const knex = await databases.init(databaseId);
  const captured = schedulerOfRegistry();
  const { server } = await startTestBackend({
    features: [
      modelRegistryPlugin,
      kubernetesModule,
      prometheusTestSourceModule(options.prometheus.url),
      mockServices.database.factory({ knex }),
      mockServices.scheduler.factory({ skipTaskRunOnStartup: true }),
      captured.module,
      catalogServiceMock.factory({ entities: [] }),
      mockServices.rootConfig.factory({
        data: {
          modelRegistry: {
            storage: {
              filesystem: { rootDir: '/tmp/mlreg-deployer-test-unused' },
            },
            api: { validateResponses: true },
            environments:
              options.environments ?? testEnvironments(options.kube.url),
            deployments: {
              pollInterval: { milliseconds: 200 },
              maxAttempts: 3,
              ...options.deployments,
            },
            kubernetes: {
              watchTimeout: { milliseconds: 300 },
              requestTimeout: { milliseconds: 1500 },
            },
          },
        },
      }),
    ],
  });
  const { port } = server.address() as AddressInfo;
  const client = new ModelRegistryClient({
    discoveryApi: {
      getBaseUrl: async () => `http://localhost:${port}/api/model-registry`,
    },
  });
  const token = { token: mockCredentials.user.token() };
  return { server, knex, scheduler: captured.scheduler, client, token };
}
