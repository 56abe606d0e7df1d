import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds, JsonObject } from '@backstage/types';
import { modelRegistryDeploymentTargetsExtensionPoint } from '@mlreg/plugin-model-registry-node';
import { ClusterConnections } from './clusters';
import {
  KubernetesDeploymentTarget,
  KubernetesTargetKind,
} from './KubernetesDeploymentTarget';

const KINDS: KubernetesTargetKind[] = ['kserve', 'deployment'];

function duration(
  config: import('@backstage/config').Config,
  key: string,
  fallbackMs: number,
): number {
  return config.has(key)
    ? durationToMilliseconds(readDurationFromConfig(config, { key }))
    : fallbackMs;
}

/**
 * Deploys model versions to Kubernetes: target kinds `kserve` (KServe
 * InferenceService v1beta1) and `deployment` (Deployment + Service).
 */
export const modelRegistryModuleKubernetes = createBackendModule({
  pluginId: 'model-registry',
  moduleId: 'kubernetes',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        targets: modelRegistryDeploymentTargetsExtensionPoint,
      },
      async init({ config, targets }) {
        const settings = config.getOptionalConfig('modelRegistry.kubernetes');
        const options = {
          watchMs: settings ? duration(settings, 'watchTimeout', 1000) : 1000,
          requestTimeoutMs: settings
            ? duration(settings, 'requestTimeout', 10_000)
            : 10_000,
        };
        const clusters = new ClusterConnections(config);
        const kinds = new Map(
          KINDS.map(kind => [
            kind,
            new KubernetesDeploymentTarget(kind, clusters, options),
          ]),
        );
        // Every environment of these kinds is checked now: a wrong cluster
        // or serving setting stops the backend instead of a later rollout.
        const environments =
          config.getOptionalConfigArray('modelRegistry.environments') ?? [];
        environments.forEach((env, i) => {
          const mode = env.getOptionalString('mode') ?? 'kubernetes';
          const kind = env.getOptionalString('targetKind') ?? 'deployment';
          const target = kinds.get(kind as KubernetesTargetKind);
          if (mode !== 'kubernetes' || !target) return;
          const raw = env.get<JsonObject>();
          const cluster = raw.cluster;
          try {
            target.checkEnvironment({
              name: env.getString('name'),
              cluster:
                typeof cluster === 'object' &&
                cluster &&
                !Array.isArray(cluster)
                  ? String(cluster.name)
                  : String(cluster),
              namespace: env.getOptionalString('namespace') ?? '',
              targetKind: kind,
              options: raw,
            });
          } catch (e) {
            throw new Error(
              `Invalid modelRegistry.environments[${i}]: ${
                (e as Error).message
              }`,
            );
          }
        });
        targets.addDeploymentTarget(...kinds.values());
      },
    });
  },
});
