import { MonitorEventRequest } from '@mlreg/plugin-model-registry-common';
import { RegistryStores } from '../database/RegistryDatabase';
import { Actor } from './Actor';
import { ModelService } from './ModelService';
import { recordChange } from './recordChange';

/**
 * Breaches of monitored thresholds reported by monitoring integrations
 * (Alertmanager alerts, PromQL threshold checks): each becomes an audit
 * record and a `monitor.breached` or `monitor.recovered` event.
 */
export class MonitorService {
  constructor(
    private readonly db: RegistryStores,
    private readonly models: ModelService,
  ) {}

  async record(
    modelName: string,
    event: MonitorEventRequest,
    actor: Actor,
  ): Promise<{
    model: string;
    event: 'monitor.breached' | 'monitor.recovered';
  }> {
    const model = await this.models.resolve(modelName);
    const type =
      event.status === 'breached' ? 'monitor.breached' : 'monitor.recovered';
    await this.db.transaction(async stores => {
      const now = new Date();
      await recordChange(stores, actor, now, {
        action: `monitor.${event.status}`,
        event: type,
        target: `model:${model.name}/monitor/${event.alert}`,
        model,
        version: event.version,
        after: event,
        payload: { model: model.name, ...event },
      });
    });
    return { model: model.name, event: type };
  }
}
