import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { Knex } from 'knex';

const migrationsDir = resolvePackagePath(
  '@mlreg/plugin-model-registry-backend-module-github',
  'migrations',
);

export type DeliveryOutcome =
  | 'processing'
  | 'registered'
  | 'ignored'
  | 'failed';

export interface GithubDeliveryRecord {
  deliveryId: string;
  event: string;
  repository?: string;
  outcome: DeliveryOutcome;
  detail: string;
  receivedAt: string;
}

export interface GithubRejectionRecord {
  claimedDeliveryId?: string;
  event?: string;
  reason: string;
  receivedAt: string;
}

/** Which GitHub deliveries arrived, and what came of them. */
export interface GithubDeliveryStore {
  /**
   * Claims a verified delivery for processing: false when it was processed
   * (or is being processed) already. A delivery that failed may be claimed
   * again, so GitHub's redelivery can succeed.
   */
  claim(delivery: {
    deliveryId: string;
    event: string;
    repository?: string;
  }): Promise<boolean>;
  settle(
    deliveryId: string,
    outcome: Exclude<DeliveryOutcome, 'processing'>,
    detail: string,
  ): Promise<void>;
  reject(rejection: Omit<GithubRejectionRecord, 'receivedAt'>): Promise<void>;
  /** The newest deliveries and rejections, newest first. */
  recent(limit: number): Promise<{
    deliveries: GithubDeliveryRecord[];
    rejections: GithubRejectionRecord[];
  }>;
}

export class DatabaseGithubDeliveryStore implements GithubDeliveryStore {
  static async create(
    database: DatabaseService,
  ): Promise<DatabaseGithubDeliveryStore> {
    const client = await database.getClient();
    if (!database.migrations?.skip) {
      await client.migrate.latest({
        directory: migrationsDir,
        tableName: 'model_registry_module_github__knex_migrations',
      });
    }
    return new DatabaseGithubDeliveryStore(client);
  }

  private constructor(private readonly db: Knex) {}

  async claim(delivery: {
    deliveryId: string;
    event: string;
    repository?: string;
  }) {
    const row = {
      delivery_id: delivery.deliveryId,
      event: delivery.event,
      repository: delivery.repository ?? null,
      outcome: 'processing',
      detail: '',
      received_at: new Date(),
    };
    const inserted = await this.db('model_registry_github_deliveries')
      .insert(row)
      .onConflict('delivery_id')
      .ignore()
      .returning('delivery_id');
    if (inserted.length > 0) return true;
    const retried = await this.db('model_registry_github_deliveries')
      .where({ delivery_id: delivery.deliveryId, outcome: 'failed' })
      .update({
        outcome: 'processing',
        detail: '',
        received_at: row.received_at,
      });
    return retried > 0;
  }

  async settle(
    deliveryId: string,
    outcome: Exclude<DeliveryOutcome, 'processing'>,
    detail: string,
  ) {
    await this.db('model_registry_github_deliveries')
      .where({ delivery_id: deliveryId })
      .update({ outcome, detail: detail.slice(0, 4000) });
  }

  async reject(rejection: Omit<GithubRejectionRecord, 'receivedAt'>) {
    await this.db('model_registry_github_rejections').insert({
      claimed_delivery_id: rejection.claimedDeliveryId?.slice(0, 64) ?? null,
      event: rejection.event?.slice(0, 64) ?? null,
      reason: rejection.reason.slice(0, 255),
      received_at: new Date(),
    });
  }

  async recent(limit: number) {
    const deliveries = await this.db('model_registry_github_deliveries')
      .orderBy('received_at', 'desc')
      .limit(limit);
    const rejections = await this.db('model_registry_github_rejections')
      .orderBy('id', 'desc')
      .limit(limit);
    return {
      deliveries: deliveries.map(r => ({
        deliveryId: r.delivery_id,
        event: r.event,
        repository: r.repository ?? undefined,
        outcome: r.outcome,
        detail: r.detail,
        receivedAt: new Date(r.received_at).toISOString(),
      })),
      rejections: rejections.map(r => ({
        claimedDeliveryId: r.claimed_delivery_id ?? undefined,
        event: r.event ?? undefined,
        reason: r.reason,
        receivedAt: new Date(r.received_at).toISOString(),
      })),
    };
  }
}
