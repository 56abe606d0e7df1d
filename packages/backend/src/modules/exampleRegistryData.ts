import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  CreateModelRequest,
  ModelRegistryClient,
  RegisterVersionRequest,
  SetKpiRequest,
} from '@mlreg/plugin-model-registry-common';
import { promises as fs } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import yaml from 'yaml';

/** The file `modelRegistry.exampleData` points at. */
export interface ExampleRegistryData {
  models: Array<
    CreateModelRequest & {
      versions?: RegisterVersionRequest[];
      aliases?: Record<string, number>;
      kpis?: Array<SetKpiRequest & { name: string }>;
    }
  >;
}

async function readExampleData(file: string): Promise<ExampleRegistryData> {
  try {
    const data = yaml.parse(await fs.readFile(resolvePath(file), 'utf8'));
    if (!Array.isArray(data?.models)) throw new Error('no models list');
    return data;
  } catch (error) {
    throw new Error(
      `modelRegistry.exampleData "${file}" is not a readable example data file: ${error}`,
    );
  }
}

/**
 * Fills the registry of the example portal on its first start: models,
 * versions, aliases and KPIs from `modelRegistry.exampleData` (a YAML file).
 * A model that already has versions is left alone, so restarts change
 * nothing. Production config does not set the key, so nothing happens there.
 */
export const exampleRegistryDataModule = createBackendModule({
  pluginId: 'model-registry',
  moduleId: 'example-data',
  register(reg) {
    reg.registerInit({
      deps: {
        auth: coreServices.auth,
        config: coreServices.rootConfig,
        discovery: coreServices.discovery,
        lifecycle: coreServices.lifecycle,
        logger: coreServices.logger,
      },
      async init({ auth, config, discovery, lifecycle, logger }) {
        const file = config.getOptionalString('modelRegistry.exampleData');
        if (!file) return;
        // Read now, so that a bad file stops the backend at startup.
        const data = await readExampleData(file);
        lifecycle.addStartupHook(async () => {
          const client = new ModelRegistryClient({ discoveryApi: discovery });
          const { token } = await auth.getPluginRequestToken({
            onBehalfOf: await auth.getOwnServiceCredentials(),
            targetPluginId: 'model-registry',
          });
          const o = { token };
          let seeded = 0;
          for (const { versions, aliases, kpis, ...model } of data.models) {
            const existing = await client
              .getModel(model.name, o)
              .catch((error: ResponseError) => {
                if (error.response?.status === 404) return undefined;
                throw error;
              });
            if (existing?.latestVersion) continue;
            if (!existing) await client.createModel(model, o);
            for (const version of versions ?? []) {
              await client.registerVersion(model.name, version, o);
            }
            for (const [alias, version] of Object.entries(aliases ?? {})) {
              await client.setAlias(model.name, alias, version, o);
            }
            for (const { name, ...kpi } of kpis ?? []) {
              await client.setKpi(model.name, name, kpi, o);
            }
            seeded += 1;
          }
          if (seeded > 0) {
            logger.info(`Seeded ${seeded} example models into the registry`);
          }
        });
      },
    });
  },
});

export default exampleRegistryDataModule;
