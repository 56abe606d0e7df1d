import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { Knex } from 'knex';

const migrationsDir = resolvePackagePath(
  '@mlreg/plugin-model-registry-backend-module-slack',
  'migrations',
);

/** The module's own migrations table: it shares the registry's database. */
export const SLACK_MIGRATIONS_TABLE =
  'model_registry_module_slack__knex_migrations';

/** What the Slack module remembers of its messages. */
export interface SlackStore {
  /** The message posted for an event in a channel, if any. */
  getMessage(eventId: string, channel: string): Promise<string | undefined>;
  recordMessage(message: {
    eventId: string;
    channel: string;
    ts: string;
    threadTs?: string;
  }): Promise<void>;
  /** The first message about a version or incident in a channel. */
  getThread(threadKey: string, channel: string): Promise<string | undefined>;
  /** Keeps the first thread recorded for the key and channel. */
  recordThread(threadKey: string, channel: string, ts: string): Promise<void>;
  /** Ends a thread (e.g. an incident that recovered). */
  closeThread(threadKey: string, channel: string): Promise<void>;
  /** Forgets messages posted before `before`. */
  prune(before: Date): Promise<number>;
}

export class DatabaseSlackStore implements SlackStore {
  static async create(database: DatabaseService): Promise<DatabaseSlackStore> {
    const client = await database.getClient();
    if (!database.migrations?.skip) {
      await client.migrate.latest({
        directory: migrationsDir,
        tableName: SLACK_MIGRATIONS_TABLE,
      });
    }
    return new DatabaseSlackStore(client);
  }

  private constructor(private readonly db: Knex) {}

  async getMessage(eventId: string, channel: string) {
    const row = await this.db('model_registry_slack_messages')
      .where({ event_id: eventId, channel })
      .first('ts');
    return row?.ts as string | undefined;
  }

  async recordMessage(message: {
    eventId: string;
    channel: string;
    ts: string;
    threadTs?: string;
  }) {
    await this.db('model_registry_slack_messages')
      .insert({
        event_id: message.eventId,
        channel: message.channel,
        ts: message.ts,
        thread_ts: message.threadTs ?? null,
      })
      .onConflict(['event_id', 'channel'])
      .ignore();
  }

  async getThread(threadKey: string, channel: string) {
    const row = await this.db('model_registry_slack_threads')
      .where({ thread_key: threadKey, channel })
      .first('ts');
    return row?.ts as string | undefined;
  }

  async recordThread(threadKey: string, channel: string, ts: string) {
    await this.db('model_registry_slack_threads')
      .insert({ thread_key: threadKey, channel, ts })
      .onConflict(['thread_key', 'channel'])
      .ignore();
  }

  async closeThread(threadKey: string, channel: string) {
    await this.db('model_registry_slack_threads')
      .where({ thread_key: threadKey, channel })
      .delete();
  }

  async prune(before: Date) {
    return this.db('model_registry_slack_messages')
      .where('posted_at', '<', before)
      .delete();
  }
}
