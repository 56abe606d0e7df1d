import { Kpi } from '@mlreg/plugin-model-registry-common';
import { RegistryStores } from '../database/RegistryDatabase';
import { Actor } from './Actor';
import { ModelService } from './ModelService';
import { recordChange } from './recordChange';
import { VersionService } from './VersionService';

/** A KPI value as a client sends it. */
export interface KpiInput {
  value: number;
  unit?: string;
  period?: string;
  source?: string;
  /** Attach the KPI to a version instead of the model. */
  version?: number;
}

/** Business KPIs of models and versions, with their history. */
export class KpiService {
  constructor(
    private readonly db: RegistryStores,
    private readonly models: ModelService,
    private readonly versions: VersionService,
  ) {}

  async list(modelName: string): Promise<Kpi[]> {
    const model = await this.models.resolve(modelName);
    return this.db.read.kpis.current(model.id);
  }

  async history(
    modelName: string,
    name: string,
    limit: number,
  ): Promise<Kpi[]> {
    const model = await this.models.resolve(modelName);
    return this.db.read.kpis.history(model.id, name, limit);
  }

  async set(
    modelName: string,
    name: string,
    input: KpiInput,
    actor: Actor,
  ): Promise<Kpi> {
    const model = await this.models.resolve(modelName);
    const version =
      input.version === undefined
        ? undefined
        : await this.versions.getStored(modelName, input.version);
    await this.db.transaction(async stores => {
      const now = new Date();
      const kpi = {
        name,
        value: input.value,
        unit: input.unit ?? '',
        period: input.period ?? '',
        source: input.source ?? '',
        versionId: version?.id,
      };
      const before = (await stores.kpis.current(model.id)).find(
        k => k.name === name && k.version === input.version,
      );
      await stores.kpis.record(model.id, kpi, actor.ref, now);
      await recordChange(stores, actor, now, {
        action: 'kpi.set',
        event: 'kpi.updated',
        target: `model:${modelName}/kpis/${name}`,
        model,
        version: input.version,
        before,
        after: { ...kpi, versionId: undefined, version: input.version },
        payload: {
          model: modelName,
          kpi: name,
          value: input.value,
          version: input.version,
        },
      });
    });
    const current = await this.db.read.kpis.current(model.id);
    return current.find(k => k.name === name && k.version === input.version)!;
  }
}
