import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { Knex } from 'knex';

const migrationsDir = resolvePackagePath(
  '@mlreg/plugin-model-registry-backend-module-jira',
  'migrations',
);

export type JiraIssueKind = 'epic' | 'version' | 'incident';

/** A Jira issue of a model, as stored. */
export interface StoredJiraIssue {
  model: string;
  kind: JiraIssueKind;
  /** `-` for the epic, the version number, or the environment. */
  subject: string;
  key: string;
  url: string;
  /** `recovered` once an incident's monitor recovered. */
  state: 'open' | 'recovered';
  updatedAt: string;
}

/** The issues the Jira module created and the events it handled. */
export interface JiraIssueStore {
  get(
    model: string,
    kind: JiraIssueKind,
    subject: string,
  ): Promise<StoredJiraIssue | undefined>;
  /** Creates or replaces the issue of (model, kind, subject). */
  put(issue: Omit<StoredJiraIssue, 'updatedAt'>): Promise<void>;
  listByModel(model: string): Promise<StoredJiraIssue[]>;
  /** `done`, `started` (a previous attempt began), or undefined. */
  eventState(eventId: string): Promise<'done' | 'started' | undefined>;
  markEvent(
    eventId: string,
    state: 'done' | 'started',
    issueKey?: string,
  ): Promise<void>;
  prune(before: Date): Promise<number>;
}

type Row = {
  model: string;
  kind: JiraIssueKind;
  subject: string;
  issue_key: string;
  issue_url: string;
  state: 'open' | 'recovered';
  updated_at: string | Date;
};

const fromRow = (row: Row): StoredJiraIssue => ({
  model: row.model,
  kind: row.kind,
  subject: row.subject,
  key: row.issue_key,
  url: row.issue_url,
  state: row.state,
  updatedAt: new Date(row.updated_at).toISOString(),
});

export class DatabaseJiraIssueStore implements JiraIssueStore {
  static async create(
    database: DatabaseService,
  ): Promise<DatabaseJiraIssueStore> {
    const client = await database.getClient();
    if (!database.migrations?.skip) {
      await client.migrate.latest({
        directory: migrationsDir,
        tableName: 'model_registry_module_jira__knex_migrations',
      });
    }
    return new DatabaseJiraIssueStore(client);
  }

  private constructor(private readonly db: Knex) {}

  async get(model: string, kind: JiraIssueKind, subject: string) {
    const row: Row | undefined = await this.db('model_registry_jira_issues')
      .where({ model, kind, subject })
      .first();
    return row && fromRow(row);
  }

  async put(issue: Omit<StoredJiraIssue, 'updatedAt'>) {
    await this.db('model_registry_jira_issues')
      .insert({
        model: issue.model,
        kind: issue.kind,
        subject: issue.subject,
        issue_key: issue.key,
        issue_url: issue.url,
        state: issue.state,
        updated_at: new Date(),
      })
      .onConflict(['model', 'kind', 'subject'])
      .merge();
  }

  async listByModel(model: string) {
    const rows: Row[] = await this.db('model_registry_jira_issues')
      .where({ model })
      .orderBy([{ column: 'kind' }, { column: 'subject' }]);
    return rows.map(fromRow);
  }

  async eventState(eventId: string) {
    const row = await this.db('model_registry_jira_events')
      .where({ event_id: eventId })
      .first('state');
    return row?.state as 'done' | 'started' | undefined;
  }

  async markEvent(
    eventId: string,
    state: 'done' | 'started',
    issueKey?: string,
  ) {
    await this.db('model_registry_jira_events')
      .insert({
        event_id: eventId,
        state,
        issue_key: issueKey ?? null,
        updated_at: new Date(),
      })
      .onConflict('event_id')
      .merge();
  }

  async prune(before: Date) {
    return this.db('model_registry_jira_events')
      .where('updated_at', '<', before)
      .delete();
  }
}
