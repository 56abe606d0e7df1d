import { Model, ModelLinks } from '@mlreg/plugin-model-registry-common';
import { Knex } from 'knex';
import { ModelFilter } from '../permissions/rules';
import { escapeLike, groupBy, parseJson, toIsoString } from './util';

export type ModelRow = {
  id: string;
  name: string;
  owner: string;
  description: string;
  task: string | null;
  framework: string | null;
  links: string;
  last_version: number;
  archived_at: Date | string | number | null;
  created_at: Date | string | number;
  created_by: string;
  updated_at: Date | string | number;
  updated_by: string;
};

/** Just enough of a model to address its versions, aliases and KPIs. */
export type ModelRef = { id: string; name: string; archived: boolean };

/** A model as stored, with the internal id the other tables refer to. */
export type StoredModel = Model & { id: string };

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

/** The fields of a model that can change. */
export interface ModelChanges {
  owner?: string;
  description?: string;
  task?: string | null;
  framework?: string | null;
  tags?: string[];
  links?: ModelLinks;
}

export type ModelSortField = 'name' | 'createdAt' | 'updatedAt';

const sortColumns: Record<ModelSortField, string> = {
  name: 'name',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
};

/** A page request on the model list, already validated. */
export interface ModelQuery {
  search?: string;
  namePrefix?: string;
  owner?: string;
  tag?: string;
  framework?: string;
  task?: string;
  /** Only models that have this alias set. */
  alias?: string;
  archived?: 'exclude' | 'only' | 'include';
  sort: ModelSortField;
  order: 'asc' | 'desc';
  /** Keyset position: the sort value and name of the last row seen. */
  after?: { value: string | number; name: string };
  limit: number;
  /** Permission filter; undefined means "everything". */
  filter?: ModelFilter;
}

/** SQL for models and their tags. */
export class ModelStore {
  /**
   * Backslash escapes LIKE wildcards. PostgreSQL's default escape is already
   * backslash, and an explicit ESCAPE clause there would keep the planner
   * from using the name index for prefixes; SQLite has no default.
   */
  private readonly likeName: string;
  private readonly isPostgres: boolean;

  constructor(private readonly db: Knex) {
    this.isPostgres = db.client.config.client === 'pg';
    this.likeName = this.isPostgres
      ? 'models.name like ?'
      : `models.name like ? escape '\\'`;
  }

  async insert(id: string, model: NewModel, now: Date): Promise<void> {
    await this.db<ModelRow>('models').insert({
      id,
      name: model.name,
      owner: model.owner,
      description: model.description,
      task: model.task ?? null,
      framework: model.framework ?? null,
      links: JSON.stringify(model.links),
      last_version: 0,
      archived_at: null,
      created_at: now,
      created_by: model.actor,
      updated_at: now,
      updated_by: model.actor,
    });
    await this.replaceTags(id, model.tags);
  }

  async update(
    id: string,
    changes: ModelChanges,
    actor: string,
    now: Date,
  ): Promise<void> {
    const row: Partial<ModelRow> = { updated_at: now, updated_by: actor };
    if (changes.owner !== undefined) row.owner = changes.owner;
    if (changes.description !== undefined)
      row.description = changes.description;
    if (changes.task !== undefined) row.task = changes.task;
    if (changes.framework !== undefined) row.framework = changes.framework;
    if (changes.links !== undefined) row.links = JSON.stringify(changes.links);
    await this.db<ModelRow>('models').where({ id }).update(row);
    if (changes.tags !== undefined) await this.replaceTags(id, changes.tags);
  }

  async setArchived(
    id: string,
    archivedAt: Date | null,
    actor: string,
    now: Date,
  ): Promise<void> {
    await this.db<ModelRow>('models')
      .where({ id })
      .update({ archived_at: archivedAt, updated_at: now, updated_by: actor });
  }

  async delete(id: string): Promise<void> {
    await this.db('models').where({ id }).delete();
  }

  /**
   * Hands out the next version number. The row update takes the row lock
   * (PostgreSQL) or the write lock (SQLite) until the transaction ends, so
   * concurrent registrations serialize here and numbers never repeat.
   */
  async nextVersionNumber(id: string): Promise<number> {
    const [row] = await this.db<ModelRow>('models')
      .where({ id })
      .increment('last_version', 1)
      .returning('last_version');
    return Number((row as { last_version: number }).last_version);
  }

  async getRef(name: string): Promise<ModelRef | undefined> {
    const row = await this.db<ModelRow>('models')
      .where({ name })
      .first('id', 'name', 'archived_at');
    return (
      row && { id: row.id, name: row.name, archived: row.archived_at !== null }
    );
  }

  async getByName(name: string): Promise<StoredModel | undefined> {
    const row = await this.db<ModelRow>('models').where({ name }).first();
    return row ? (await this.complete([row]))[0] : undefined;
  }

  async getByNames(names: string[]): Promise<StoredModel[]> {
    if (names.length === 0) return [];
    return this.complete(
      await this.db<ModelRow>('models').whereIn('name', names),
    );
  }

  async list(query: ModelQuery): Promise<{
    items: StoredModel[];
    sortValues: Array<string | number>;
  }> {
    const column = sortColumns[query.sort];
    const q = this.db<ModelRow>('models')
      .select('models.*')
      .orderBy([
        { column: `models.${column}`, order: query.order },
        { column: 'models.name', order: query.order },
      ])
      .limit(query.limit);
    if (query.filter) applyModelFilter(q, query.filter);
    if (query.owner) q.where('models.owner', query.owner);
    if (query.framework) q.where('models.framework', query.framework);
    if (query.task) q.where('models.task', query.task);
    if (query.namePrefix) {
      q.whereRaw(this.likeName, [`${escapeLike(query.namePrefix)}%`]);
      if (this.isPostgres) {
        // The same condition as a byte-wise range, which the
        // text_pattern_ops index serves; LIKE alone would not use it.
        q.whereRaw('models.name ~>=~ ? and models.name ~<~ ?', [
          query.namePrefix,
          nextPrefix(query.namePrefix),
        ]);
      }
    }
    if (query.search) {
      q.whereRaw(this.likeName, [`%${escapeLike(query.search)}%`]);
    }
    if (query.tag) {
      q.whereExists(
        this.db('model_tags')
          .select(this.db.raw('1'))
          .whereRaw('model_tags.model_id = models.id')
          .where('model_tags.tag', query.tag),
      );
    }
    if (query.alias) {
      q.whereExists(
        this.db('model_aliases')
          .select(this.db.raw('1'))
          .whereRaw('model_aliases.model_id = models.id')
          .where('model_aliases.alias', query.alias),
      );
    }
    const archived = query.archived ?? 'exclude';
    if (archived === 'exclude') q.whereNull('models.archived_at');
    if (archived === 'only') q.whereNotNull('models.archived_at');
    if (query.after) {
      const op = query.order === 'asc' ? '>' : '<';
      const value =
        query.sort === 'name' ? query.after.value : new Date(query.after.value);
      q.whereRaw(`(models.${column}, models.name) ${op} (?, ?)`, [
        value,
        query.after.name,
      ]);
    }
    const rows: ModelRow[] = await q;
    return {
      items: await this.complete(rows),
      sortValues: rows.map(row =>
        query.sort === 'name'
          ? row.name
          : toIsoString(
              query.sort === 'createdAt' ? row.created_at : row.updated_at,
            ),
      ),
    };
  }

  private async replaceTags(id: string, tags: string[]): Promise<void> {
    await this.db('model_tags').where({ model_id: id }).delete();
    if (tags.length > 0) {
      await this.db('model_tags').insert(
        tags.map(tag => ({ model_id: id, tag })),
      );
    }
  }

  /** Completes model rows with their tags and aliases, two queries per page. */
  private async complete(rows: ModelRow[]): Promise<StoredModel[]> {
    const ids = rows.map(r => r.id);
    const tagRows: Array<{ model_id: string; tag: string }> =
      rows.length === 0
        ? []
        : await this.db('model_tags').whereIn('model_id', ids).orderBy('tag');
    const aliasRows: Array<{
      model_id: string;
      alias: string;
      version: number;
    }> =
      rows.length === 0
        ? []
        : await this.db('model_aliases')
            .join(
              'model_versions',
              'model_versions.id',
              'model_aliases.version_id',
            )
            .whereIn('model_aliases.model_id', ids)
            .orderBy('model_aliases.alias')
            .select(
              'model_aliases.model_id',
              'model_aliases.alias',
              'model_versions.version',
            );
    const tags = groupBy(tagRows, r => r.model_id);
    const aliases = groupBy(aliasRows, r => r.model_id);
    return rows.map(row => ({
      id: row.id,
      name: row.name,
      owner: row.owner,
      description: row.description,
      task: row.task ?? undefined,
      framework: row.framework ?? undefined,
      tags: (tags.get(row.id) ?? []).map(r => r.tag),
      links: parseJson<ModelLinks>(row.links, {}),
      archived: row.archived_at !== null,
      ...(Number(row.last_version) > 0
        ? { latestVersion: Number(row.last_version) }
        : {}),
      aliases: Object.fromEntries(
        (aliases.get(row.id) ?? []).map(a => [a.alias, Number(a.version)]),
      ),
      createdAt: toIsoString(row.created_at),
      createdBy: row.created_by,
      updatedAt: toIsoString(row.updated_at),
      updatedBy: row.updated_by,
    }));
  }
}

/** The smallest string above every string that starts with `prefix`. */
function nextPrefix(prefix: string): string {
  const last = prefix.charCodeAt(prefix.length - 1);
  return prefix.slice(0, -1) + String.fromCharCode(last + 1);
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
    query.whereIn(`models.${filter.property}`, filter.values);
  }
}
