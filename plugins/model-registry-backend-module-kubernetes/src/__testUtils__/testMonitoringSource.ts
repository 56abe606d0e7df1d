import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  ModelMonitoringSource,
  modelRegistryMonitoringSourcesExtensionPoint,
} from '@mlreg/plugin-model-registry-node';

/**
 * A monitoring source for tests that sends each query to a server
 * implementing Prometheus' `/api/v1/query`, as a Prometheus source would.
 */
export function prometheusTestSource(url: string): ModelMonitoringSource {
  return {
    id: 'test-prometheus',
    async queryInstant({ query }) {
      const res = await fetch(`${url}/api/v1/query`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ query }),
      });
      if (!res.ok) throw new Error(`Prometheus answered HTTP ${res.status}`);
      const body = (await res.json()) as {
        data: {
          result: Array<{
            metric: Record<string, string>;
            value: [number, string];
          }>;
        };
      };
      return body.data.result.map(r => ({
        labels: r.metric,
        timestamp: new Date(r.value[0] * 1000).toISOString(),
        value: Number(r.value[1]),
      }));
    },
    async queryRange() {
      throw new Error('range queries are not used by the deployer');
    },
  };
}

export function prometheusTestSourceModule(url: string) {
  return createBackendModule({
    pluginId: 'model-registry',
    moduleId: 'test-prometheus',
    register(reg) {
      reg.registerInit({
        deps: { sources: modelRegistryMonitoringSourcesExtensionPoint },
        async init({ sources }) {
          sources.addMonitoringSource(prometheusTestSource(url));
        },
      });
    },
  });
}
