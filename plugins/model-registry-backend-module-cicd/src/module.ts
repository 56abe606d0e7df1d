import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import { modelRegistryDeploymentTargetsExtensionPoint } from '@mlreg/plugin-model-registry-node';
import { CicdDeploymentTarget } from './CicdDeploymentTarget';
import { createPipeline, Pipeline } from './pipelines';

/**
 * Deploys model versions through CI/CD pipelines (target kind `cicd`, for
 * environments with `mode: cicd`).
 */
export const modelRegistryModuleCicd = createBackendModule({
  pluginId: 'model-registry',
  moduleId: 'cicd',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        discovery: coreServices.discovery,
        targets: modelRegistryDeploymentTargetsExtensionPoint,
      },
      async init({ config, discovery, targets }) {
        const timeout = config.getOptionalConfig('modelRegistry.cicd');
        const timeoutMs =
          timeout && timeout.has('requestTimeout')
            ? durationToMilliseconds(
                readDurationFromConfig(timeout, { key: 'requestTimeout' }),
              )
            : 10_000;
        const pipelines = new Map<string, Pipeline>();
        (
          config.getOptionalConfigArray('modelRegistry.environments') ?? []
        ).forEach((env, i) => {
          if (env.getOptionalString('mode') !== 'cicd') return;
          try {
            pipelines.set(
              env.getString('name'),
              createPipeline(env.getConfig('cicd'), timeoutMs),
            );
          } catch (e) {
            throw new Error(
              `Invalid modelRegistry.environments[${i}]: ${
                (e as Error).message
              }`,
            );
          }
        });
        targets.addDeploymentTarget(
          new CicdDeploymentTarget(pipelines, () =>
            discovery.getExternalBaseUrl('model-registry'),
          ),
        );
      },
    });
  },
});
