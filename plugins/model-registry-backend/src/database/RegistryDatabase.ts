import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { AliasStore, DatabaseAliasStore } from './AliasStore';
import { AuditStore, DatabaseAuditStore } from './AuditStore';
import { DatabaseDeploymentStore, DeploymentStore } from './DeploymentStore';
import { DatabaseDriftStore, DriftStore } from './DriftStore';
import { DatabaseIdempotencyStore, IdempotencyStore } from './IdempotencyStore';
import { DatabaseKpiStore, KpiStore } from './KpiStore';
import { DatabaseModelStore, ModelStore } from './ModelStore';
import {
  DatabaseOutboxStore,
  OutboxStore,
  OutboxSubscription,
} from './OutboxStore';
import { DatabaseVersionStore, VersionStore } from './VersionStore';
import { DatabaseVersionRunStore, VersionRunStore } from './VersionRunStore';

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
  versionRuns: VersionRunStore;
}

/** Reads and transactions over the registry's stores: what services depend on. */
export interface RegistryStores {
  /** Stores for reads outside a transaction. */
  readonly read: Stores;
  /** Runs `fn` in one transaction: all its writes land, or none. */
  transaction<T>(fn: (stores: Stores) => Promise<T>): Promise<T>;
}

function bind(db: Knex, subscriptions: () => OutboxSubscription[]): Stores {
  return {
    models: new DatabaseModelStore(db),
    versions: new DatabaseVersionStore(db),
    aliases: new DatabaseAliasStore(db),
    kpis: new DatabaseKpiStore(db),
    audit: new DatabaseAuditStore(db),
    outbox: new DatabaseOutboxStore(db, subscriptions),
    deployments: new DatabaseDeploymentStore(db),
    drift: new DatabaseDriftStore(db),
    versionRuns: new DatabaseVersionRunStore(db),
  };
}

/** The registry's database: migrations, reads and transactions. */
export class RegistryDatabase implements RegistryStores {
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

  readonly read: Stores;
  /** Idempotency keys live outside the changes they guard. */
  readonly idempotency: IdempotencyStore;
  private readonly outboxSubscriptions: OutboxSubscription[] = [];

  constructor(private readonly db: Knex) {
    this.read = bind(db, () => this.outboxSubscriptions);
    this.idempotency = new DatabaseIdempotencyStore(db);
  }

  /**
   * Makes the subscriber one the dispatcher creates deliveries for: from
   * its last position when it was installed before, else from now on.
   */
  addOutboxSubscriber(subscription: OutboxSubscription): void {
    if (!this.outboxSubscriptions.some(s => s.id === subscription.id)) {
      this.outboxSubscriptions.push(subscription);
    }
  }

  transaction<T>(fn: (stores: Stores) => Promise<T>): Promise<T> {
    return this.db.transaction(tx =>
      fn(bind(tx, () => this.outboxSubscriptions)),
    );
  }
}
