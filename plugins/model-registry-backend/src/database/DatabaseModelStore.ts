import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { Model, ModelLinks } from '@mlreg/plugin-model-registry-common';
import { randomUUID } from 'node:crypto';
import { Knex } from 'knex';
import { ModelFilter } from '../permissions/rules';

const migrationsDir = resolvePackagePath(
  '@mlreg/plugin-model-registry-backend',
  'migrations',
);

type ModelRow = {
  id: string;
  name: string;
  owner: string;
  description: string;
  task: string | null;
  framework: string | null;
  links: string;
  archived_at: Date | string | null;
  created_at: Date | string;
  created_by: string;
  updated_at: Date | string;
  updated_by: string;
};

/** What the store needs to insert a model. */
export interface NewModel {
  name: string;
  owner: string;
  description: string;
  task?: string;
  framework?: string;
  tags: string[];
  links: ModelLinks;
  actor: string;
}

/** A page request on the model list, already validated. */
export interface ModelListOptions {
  search?: string;
  owner?: string;
  /** Names strictly after this one, in name order. */
  after?: string;
  limit: number;
  /** Permission filter; undefined means "everything". */
  filter?: ModelFilter;
}

function toIsoString(value: Date | string): string {
  // SQLite hands back what was written (epoch ms or ISO text); PostgreSQL a Date.
  return new Date(value).toISOString();
}

/** SQL for models and their tags. */
export class DatabaseModelStore {
  static async create(options: {
    database: DatabaseService;
    skipMigrations?: boolean;
  }): Promise<DatabaseModelStore> {
    const client = await options.database.getClient();
    if (!options.database.migrations?.skip && !options.skipMigrations) {
      await client.migrate.latest({ directory: migrationsDir });
    }
    return new DatabaseModelStore(client);
  }

  constructor(private readonly db: Knex) {}

  /** Inserts a model; resolves to undefined when the name is taken. */
  async insertModel(model: NewModel): Promise<Model | undefined> {
    const now = new Date();
    const id = randomUUID();
    try {
      await this.db.transaction(async tx => {
        await tx<ModelRow>('models').insert({
          id,
          name: model.name,
          owner: model.owner,
          description: model.description,
          task: model.task ?? null,
          framework: model.framework ?? null,
          links: JSON.stringify(model.links),
          archived_at: null,
          created_at: now,
          created_by: model.actor,
          updated_at: now,
          updated_by: model.actor,
        });
        if (model.tags.length > 0) {
          await tx('model_tags').insert(
            model.tags.map(tag => ({ model_id: id, tag })),
          );
        }
      });
    } catch (error) {
      if (isUniqueViolation(error)) return undefined;
      throw error;
    }
    return this.getModel(model.name);
  }

  async getModel(name: string): Promise<Model | undefined> {
    const row = await this.db<ModelRow>('models').where({ name }).first();
    if (!row) return undefined;
    const [model] = await this.withTags([row]);
    return model;
  }

  async listModels(options: ModelListOptions): Promise<Model[]> {
    const query = this.db<ModelRow>('models')
      .orderBy('name', 'asc')
      .limit(options.limit);
    if (options.filter) applyModelFilter(query, options.filter);
    if (options.owner) query.where('owner', options.owner);
    if (options.search) {
      query.whereRaw(`name like ? escape '\\'`, [
        `%${escapeLike(options.search)}%`,
      ]);
    }
    if (options.after) query.where('name', '>', options.after);
    return this.withTags(await query);
  }

  private async withTags(rows: ModelRow[]): Promise<Model[]> {
    const tags = new Map<string, string[]>();
    if (rows.length > 0) {
      const tagRows = await this.db('model_tags')
        .whereIn(
          'model_id',
          rows.map(r => r.id),
        )
        .orderBy('tag');
      for (const { model_id, tag } of tagRows) {
        tags.set(model_id, [...(tags.get(model_id) ?? []), tag]);
      }
    }
    return rows.map(row => ({
      name: row.name,
      owner: row.owner,
      description: row.description,
      task: row.task ?? undefined,
      framework: row.framework ?? undefined,
      tags: tags.get(row.id) ?? [],
      links: JSON.parse(row.links),
      archived: row.archived_at !== null,
      createdAt: toIsoString(row.created_at),
      createdBy: row.created_by,
      updatedAt: toIsoString(row.updated_at),
      updatedBy: row.updated_by,
    }));
  }
}

// LIKE wildcards in user input are literal text, not patterns.
function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, c => `\\${c}`);
}

function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  return (
    e.code === '23505' || // PostgreSQL unique_violation
    e.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  );
}

/** Turns a permission filter into a WHERE clause on `models`. */
export function applyModelFilter(
  query: Knex.QueryBuilder,
  filter: ModelFilter,
): void {
  if ('allOf' in filter) {
    query.where(q => {
      for (const f of filter.allOf) q.andWhere(sub => applyModelFilter(sub, f));
    });
  } else if ('anyOf' in filter) {
    query.where(q => {
      for (const f of filter.anyOf) q.orWhere(sub => applyModelFilter(sub, f));
    });
  } else if ('not' in filter) {
    query.whereNot(q => applyModelFilter(q, filter.not));
  } else {
    query.whereIn(filter.property, filter.values);
  }
}
