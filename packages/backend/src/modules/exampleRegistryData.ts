import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { ResponseError } from '@backstage/errors';
import {
  CreateModelRequest,
  ModelRegistryClient,
  RegisterVersionRequest,
  SetKpiRequest,
} from '@mlreg/plugin-model-registry-common';
import { promises as fs } from 'node:fs';
import { dirname, resolve as resolvePath } from 'node:path';
import yaml from 'yaml';

/** The file `modelRegistry.exampleData` points at. */
export interface ExampleRegistryData {
  models: Array<
    CreateModelRequest & {
      versions?: RegisterVersionRequest[];
      aliases?: Record<string, number>;
      kpis?: Array<SetKpiRequest & { name: string }>;
      /** CSV files, relative to the example data file. */
      drift?: {
        reference: { version: number; file: string };
        production?: Array<{
          environment: string;
          version: number;
          file: string;
        }>;
      };
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

/** Database clients that keep the registry in a local SQLite file or memory. */
const SQLITE_CLIENTS = ['better-sqlite3', 'sqlite3'];

/**
 * Whether `modelRegistry.exampleData` may be loaded under this config, and
 * why (or why not), for the log.
 *
 * The example data is for the embedded example portal only: its `production`
 * aliases and KPIs are made up, and it is written with the backend's own
 * service credentials. Two guards keep it out of a real registry:
 *
 * 1. Opt-in: only the example portal's configs set the key
 *    (`app-config.example.yaml`, which `yarn start` layers through
 *    `BACKSTAGE_ENV=example`, and `e2e/app-config.e2e.yaml`); the base
 *    `app-config.yaml`, which deployments layer under their own config, does
 *    not.
 * 2. Even when the key is set, nothing is loaded unless the registry's
 *    database is SQLite. The example portal runs on SQLite; the production
 *    config (`app-config.production.yaml`), and any real deployment, keeps
 *    the registry in PostgreSQL. Checking the database rather than a marker
 *    key protects deployments that wrote their own production config, and a
 *    config that layers the example file over the production one, too.
 */
export function exampleDataDecision(
  config: Config,
):
  | { load: true; file: string; reason: string }
  | { load: false; refused: boolean; reason: string } {
  const file = config.getOptionalString('modelRegistry.exampleData');
  if (!file) {
    return {
      load: false,
      refused: false,
      reason: 'modelRegistry.exampleData is not set',
    };
  }
  // The registry's own database: a per-plugin override, else the default.
  const client =
    config.getOptionalString('backend.database.plugin.model-registry.client') ??
    config.getOptionalString('backend.database.client');
  if (!client || !SQLITE_CLIENTS.includes(client)) {
    return {
      load: false,
      refused: true,
      reason:
        `modelRegistry.exampleData is set to "${file}", but the registry's ` +
        `database client is ${client ?? 'not configured'}, not SQLite: this ` +
        'looks like a real (production) registry, and example data is only ' +
        'for the example portal on SQLite. Remove modelRegistry.exampleData ' +
        'from this config',
    };
  }
  return {
    load: true,
    file,
    reason: `modelRegistry.exampleData is set and the registry's database is ${client}`,
  };
}

/**
 * Fills the registry of the example portal on its first start: models,
 * versions, aliases and KPIs from `modelRegistry.exampleData` (a YAML file),
 * when {@link exampleDataDecision} allows it; the log says either way. A
 * model that already has versions is left alone, so restarts change nothing.
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
        const decision = exampleDataDecision(config);
        if (!decision.load) {
          if (decision.refused) {
            logger.warn(
              `Refusing to load example registry data: ${decision.reason}`,
            );
          } else {
            logger.info(
              `Not loading example registry data: ${decision.reason}`,
            );
          }
          return;
        }
        const { file } = decision;
        // Read now, so that a bad file stops the backend at startup.
        const data = await readExampleData(file);
        logger.info(
          `Loading example registry data from ${file} (${data.models.length} models): ${decision.reason}`,
        );
        lifecycle.addStartupHook(async () => {
          const client = new ModelRegistryClient({ discoveryApi: discovery });
          const { token } = await auth.getPluginRequestToken({
            onBehalfOf: await auth.getOwnServiceCredentials(),
            targetPluginId: 'model-registry',
          });
          const o = { token };
          let seeded = 0;
          const dataFile = (name: string) =>
            fs.readFile(resolvePath(dirname(resolvePath(file)), name), 'utf8');
          for (const {
            versions,
            aliases,
            kpis,
            drift,
            ...model
          } of data.models) {
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
            if (drift) {
              await client.uploadReferenceData(
                model.name,
                drift.reference.version,
                await dataFile(drift.reference.file),
                'csv',
                o,
              );
              for (const batch of drift.production ?? []) {
                await client.uploadProductionData(
                  model.name,
                  batch.environment,
                  await dataFile(batch.file),
                  { format: 'csv', version: batch.version },
                  o,
                );
                await client.checkDrift(model.name, batch.environment, {}, o);
              }
            }
            seeded += 1;
          }
          logger.info(
            seeded > 0
              ? `Seeded ${seeded} example models into the registry`
              : `Example models already in the registry, nothing to seed`,
          );
        });
      },
    });
  },
});

export default exampleRegistryDataModule;
