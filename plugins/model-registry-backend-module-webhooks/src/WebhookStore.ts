import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { Knex } from 'knex';

const migrationsDir = resolvePackagePath(
  '@mlreg/plugin-model-registry-backend-module-webhooks',
  'migrations',
);

/** A registered webhook, secret included (never sent to clients after creation). */
export interface StoredWebhook {
  id: string;
  url: string;
  description: string;
  secret: string;
  /** Event types; undefined: all. */
  events?: string[];
  /** Model names; undefined: all. */
  models?: string[];
  createdBy: string;
  createdAt: string;
}

/** The webhooks and what they were sent. */
export interface WebhookStore {
  list(): Promise<StoredWebhook[]>;
  get(id: string): Promise<StoredWebhook | undefined>;
  count(): Promise<number>;
  create(webhook: StoredWebhook): Promise<void>;
  /** Whether it existed. */
  delete(id: string): Promise<boolean>;
  /** Ids of the webhooks among `webhookIds` that accepted the event. */
  sentTo(eventId: string, webhookIds: string[]): Promise<Set<string>>;
  recordSent(eventId: string, webhookId: string, status: number): Promise<void>;
  prune(before: Date): Promise<number>;
}

type Row = {
  id: string;
  url: string;
  description: string;
  secret: string;
  events: string | null;
  models: string | null;
  created_by: string;
  created_at: string | Date;
};

function fromRow(row: Row): StoredWebhook {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    secret: row.secret,
    events: row.events ? JSON.parse(row.events) : undefined,
    models: row.models ? JSON.parse(row.models) : undefined,
    createdBy: row.created_by,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

export class DatabaseWebhookStore implements WebhookStore {
  static async create(
    database: DatabaseService,
  ): Promise<DatabaseWebhookStore> {
    const client = await database.getClient();
    if (!database.migrations?.skip) {
      await client.migrate.latest({
        directory: migrationsDir,
        tableName: 'model_registry_module_webhooks__knex_migrations',
      });
    }
    return new DatabaseWebhookStore(client);
  }

  private constructor(private readonly db: Knex) {}

  async list() {
    const rows: Row[] = await this.db('model_registry_webhooks').orderBy(
      'created_at',
    );
    return rows.map(fromRow);
  }

  async get(id: string) {
    const row: Row | undefined = await this.db('model_registry_webhooks')
      .where({ id })
      .first();
    return row && fromRow(row);
  }

  async count() {
    const [{ n }] = await this.db('model_registry_webhooks').count({ n: '*' });
    return Number(n);
  }

  async create(webhook: StoredWebhook) {
    await this.db('model_registry_webhooks').insert({
      id: webhook.id,
      url: webhook.url,
      description: webhook.description,
      secret: webhook.secret,
      events: webhook.events ? JSON.stringify(webhook.events) : null,
      models: webhook.models ? JSON.stringify(webhook.models) : null,
      created_by: webhook.createdBy,
      created_at: new Date(webhook.createdAt),
    });
  }

  async delete(id: string) {
    await this.db('model_registry_webhook_sends')
      .where({ webhook_id: id })
      .delete();
    return (
      (await this.db('model_registry_webhooks').where({ id }).delete()) > 0
    );
  }

  async sentTo(eventId: string, webhookIds: string[]) {
    if (webhookIds.length === 0) return new Set<string>();
    const rows = await this.db('model_registry_webhook_sends')
      .where({ event_id: eventId })
      .whereIn('webhook_id', webhookIds)
      .select('webhook_id');
    return new Set<string>(rows.map(r => r.webhook_id));
  }

  async recordSent(eventId: string, webhookId: string, status: number) {
    await this.db('model_registry_webhook_sends')
      .insert({
        event_id: eventId,
        webhook_id: webhookId,
        status,
        sent_at: new Date(),
      })
      .onConflict(['event_id', 'webhook_id'])
      .ignore();
  }

  async prune(before: Date) {
    return this.db('model_registry_webhook_sends')
      .where('sent_at', '<', before)
      .delete();
  }
}
