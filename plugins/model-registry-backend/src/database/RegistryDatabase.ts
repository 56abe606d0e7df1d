import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { AliasStore } from './AliasStore';
import { AuditStore } from './AuditStore';
import { DeploymentStore } from './DeploymentStore';
import { DriftStore } from './DriftStore';
import { KpiStore } from './KpiStore';
import { ModelStore } from './ModelStore';
import {
  DatabaseOutboxStore,
  OutboxStore,
  OutboxSubscription,
} from './OutboxStore';
import { VersionStore } from './VersionStore';

const migrationsDir = resolvePackagePath(
  '@mlreg/plugin-model-registry-backend',
  'migrations',
);

/** The registry's stores, bound to one connection or transaction. */
export interface Stores {
  models: ModelStore;
  versions: VersionStore;
  aliases: AliasStore;
  kpis: KpiStore;
  audit: AuditStore;
  outbox: OutboxStore;
  deployments: DeploymentStore;
  drift: DriftStore;
}

function bind(db: Knex, subscriptions: () => OutboxSubscription[]): Stores {
  return {
    models: new ModelStore(db),
    versions: new VersionStore(db),
    aliases: new AliasStore(db),
    kpis: new KpiStore(db),
    audit: new AuditStore(db),
    outbox: new DatabaseOutboxStore(db, subscriptions),
    deployments: new DeploymentStore(db),
    drift: new DriftStore(db),
  };
}

/** The registry's database: migrations, reads and transactions. */
export class RegistryDatabase {
  static async create(options: {
    database: DatabaseService;
    skipMigrations?: boolean;
  }): Promise<RegistryDatabase> {
    const client = await options.database.getClient();
    if (!options.database.migrations?.skip && !options.skipMigrations) {
      await client.migrate.latest({ directory: migrationsDir });
    }
    return new RegistryDatabase(client);
  }

  /** Stores for reads outside a transaction. */
  readonly read: Stores;
  private readonly outboxSubscriptions: OutboxSubscription[] = [];

  constructor(private readonly db: Knex) {
    this.read = bind(db, () => this.outboxSubscriptions);
  }

  /**
   * Every event written from now on that the subscriber accepts gets a
   * delivery for it.
   */
  addOutboxSubscriber(subscription: OutboxSubscription): void {
    if (!this.outboxSubscriptions.some(s => s.id === subscription.id)) {
      this.outboxSubscriptions.push(subscription);
    }
  }

  /** Runs `fn` in one transaction: all its writes land, or none. */
  transaction<T>(fn: (stores: Stores) => Promise<T>): Promise<T> {
    return this.db.transaction(tx =>
      fn(bind(tx, () => this.outboxSubscriptions)),
    );
  }
}
