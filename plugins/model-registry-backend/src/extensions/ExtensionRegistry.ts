import {
  ModelDeploymentTarget,
  ModelMonitoringSource,
  ModelRegistryEventSubscriber,
} from '@mlreg/plugin-model-registry-node';
import { checkSubscriber } from '../outbox/subscriptions';

/** Ids of subscribers, kinds of targets and ids of sources. */
const EXTENSION_ID = /^[a-z0-9][a-z0-9.-]{0,63}$/;

/**
 * What modules registered through one extension point, by id. Anything
 * malformed or registered twice throws, which stops the backend at startup.
 */
export class ExtensionRegistry<T extends object> {
  private readonly items = new Map<string, T>();

  constructor(
    private readonly options: {
      /** What the items are, for errors, e.g. `event subscriber`. */
      what: string;
      idOf(item: T): string;
      /** The functions every item must have. */
      methods: Array<keyof T & string>;
      /** Further checks; throws to refuse an item. */
      check?(item: T): void;
    },
  ) {}

  add(...items: T[]): void {
    const { what, idOf, methods, check } = this.options;
    for (const item of items) {
      const id = idOf(item);
      if (typeof id !== 'string' || !EXTENSION_ID.test(id)) {
        throw new Error(
          `Invalid Model Registry ${what} "${id}": use 1-64 lowercase letters, digits, "-" and ".", starting with a letter or digit`,
        );
      }
      if (this.items.has(id)) {
        throw new Error(
          `Model Registry ${what} "${id}" is registered twice; ids must be unique`,
        );
      }
      for (const method of methods) {
        if (typeof item[method] !== 'function') {
          throw new Error(`Model Registry ${what} "${id}" has no ${method}`);
        }
      }
      check?.(item);
      this.items.set(id, item);
    }
  }

  get(id: string): T | undefined {
    return this.items.get(id);
  }

  /** Every item, in registration order. */
  list(): T[] {
    return [...this.items.values()];
  }
}

/** Everything modules registered through the registry's extension points. */
export interface ExtensionRegistries {
  subscribers: ExtensionRegistry<ModelRegistryEventSubscriber>;
  deploymentTargets: ExtensionRegistry<ModelDeploymentTarget>;
  monitoringSources: ExtensionRegistry<ModelMonitoringSource>;
}

export function createExtensionRegistries(): ExtensionRegistries {
  return {
    subscribers: new ExtensionRegistry<ModelRegistryEventSubscriber>({
      what: 'event subscriber',
      idOf: s => s.id,
      methods: ['deliver'],
      check: checkSubscriber,
    }),
    deploymentTargets: new ExtensionRegistry<ModelDeploymentTarget>({
      what: 'deployment target kind',
      idOf: t => t.kind,
      methods: ['deploy', 'getStatus', 'rollback'],
    }),
    monitoringSources: new ExtensionRegistry<ModelMonitoringSource>({
      what: 'monitoring source',
      idOf: s => s.id,
      methods: ['queryInstant', 'queryRange'],
    }),
  };
}
