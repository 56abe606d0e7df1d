import { LoggerService } from '@backstage/backend-plugin-api';
import { ModelDeploymentTarget } from '@mlreg/plugin-model-registry-node';
import { RegistryStores } from '../database/RegistryDatabase';
import { SyncEntry } from '../database/DeploymentStore';
import { EnvironmentSettings } from '../deployment/environments';
import { recordChange } from './recordChange';
import { DEPLOYER } from './RolloutService';

/** What one reconciliation found. */
export interface ReconcileResult {
  /** Model-environment pairs compared. */
  pairs: number;
  outOfSync: number;
  /** Environments whose cluster could not be read, with why. */
  unreachable: Array<{ environment: string; error: string }>;
}

/**
 * Compares, per environment that follows an alias, the version the alias
 * names with the version the cluster serves, and flags the models where
 * they differ (`deployment.out_of_sync`, once per change into that state).
 * A model with a rollout under way is in sync: it is on its way.
 */
export class DeploymentReconciler {
  constructor(
    private readonly db: RegistryStores,
    private readonly options: {
      environments: EnvironmentSettings[];
      targets: { get(kind: string): ModelDeploymentTarget | undefined };
      logger: LoggerService;
      onChange?: () => void;
      now?: () => Date;
    },
  ) {}

  async reconcile(): Promise<ReconcileResult> {
    const result: ReconcileResult = { pairs: 0, outOfSync: 0, unreachable: [] };
    for (const env of this.options.environments) {
      if (!env.alias) continue;
      const target = this.options.targets.get(env.target.targetKind);
      if (!target?.listServed) continue;
      let served: Map<string, number>;
      try {
        served = new Map(
          (await target.listServed({ environment: env.target })).map(s => [
            s.model,
            s.version,
          ]),
        );
      } catch (e) {
        const error = (e as Error).message;
        result.unreachable.push({ environment: env.name, error });
        this.options.logger.warn(
          `Cannot compare environment ${env.name} with its cluster: ${error}`,
        );
        continue;
      }
      const followed = await this.db.read.deployments.followedAliases(
        env.alias,
      );
      const active = await this.db.read.deployments.activeModels(env.name);
      const entries: SyncEntry[] = followed.map(f => {
        const servedVersion = served.get(f.modelName);
        const inSync = active.has(f.modelId) || servedVersion === f.version;
        return {
          modelId: f.modelId,
          modelName: f.modelName,
          environment: env.name,
          aliasVersion: f.version,
          servedVersion,
          inSync,
          message: inSync
            ? undefined
            : `alias ${env.alias} names version ${f.version}, but ${
                env.name
              } serves ${
                servedVersion === undefined
                  ? 'no version'
                  : `version ${servedVersion}`
              }`,
        };
      });
      result.pairs += entries.length;
      result.outOfSync += entries.filter(e => !e.inSync).length;
      const now = this.options.now?.() ?? new Date();
      const newlyOut = await this.db.transaction(async stores => {
        const changed = await stores.deployments.putSync(
          env.name,
          entries,
          now,
        );
        for (const entry of changed) {
          await recordChange(stores, DEPLOYER, now, {
            action: 'deployment.out_of_sync',
            event: 'deployment.out_of_sync',
            target: `model:${entry.modelName}/environments/${env.name}`,
            model: { id: entry.modelId, name: entry.modelName },
            version: entry.aliasVersion,
            after: {
              aliasVersion: entry.aliasVersion,
              servedVersion: entry.servedVersion,
            },
            payload: {
              model: entry.modelName,
              environment: env.name,
              alias: env.alias,
              aliasVersion: entry.aliasVersion,
              servedVersion: entry.servedVersion,
              message: entry.message,
            },
          });
        }
        return changed.length;
      });
      if (newlyOut > 0) this.options.onChange?.();
    }
    return result;
  }
}
