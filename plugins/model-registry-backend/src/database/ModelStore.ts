import {
  CreateModelRequest,
  ListModelsQuery,
  Model,
  ModelLinks,
  PortfolioSummary,
  UpdateModelRequest,
} from '@mlreg/plugin-model-registry-common';
import { Knex } from 'knex';
import { ModelFilter } from '../permissions/rules';
import { applyModelFilter } from './modelFilter';
import { newestDeploymentStatus, newestDriftVerdict } from './newestOfModel';
import { escapeLike, groupBy, parseJson, toIsoString } from './util';

/** The alias that marks the version serving production. */
export const PRODUCTION_ALIAS = 'production';

export type ModelRow = {
  id: string;
  name: string;
  owner: string;
  description: string;
  task: string | null;
  framework: string | null;
  links: string;
  annotations: string;
  key_metric: string | null;
  last_version: number;
  archived_at: Date | string | number | null;
  created_at: Date | string | number;
  created_by: string;
  updated_at: Date | string | number;
  updated_by: string;
};

/** Just enough of a model to address its versions, aliases and KPIs. */
export type ModelRef = { id: string; name: string; archived: boolean };

/**
 * A model as stored, with the internal id the other tables refer to. Its
 * health is not part of it: that is the newest drift report and deployment,
 * which their own stores know.
 */
export type StoredModel = Omit<Model, 'health'> & { id: string };

/** What the store needs to insert a model: a request with its defaults applied. */
export type NewModel = CreateModelRequest &
  Required<Pick<CreateModelRequest, 'description' | 'tags' | 'links'>> & {
    actor: string;
  };

/** A page request on the model list, already validated. */
export type ModelQuery = Pick<
  ListModelsQuery,
  | 'search'
  | 'owner'
  | 'tag'
  | 'framework'
  | 'task'
  | 'alias'
  | 'drift'
  | 'archived'
> & {
  /** Prefix of the model name. */
  namePrefix?: string;
  sort: NonNullable<ListModelsQuery['sort']>;
  order: NonNullable<ListModelsQuery['order']>;
  /** Keyset position: the sort value and name of the last row seen. */
  after?: { value: string | number; name: string };
  limit: number;
  /** Permission filter; undefined means "everything". */
  filter?: ModelFilter;
};

const sortColumns: Record<ModelQuery['sort'], string> = {
  name: 'name',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
};

/** Models and their tags, with the aliases and key metric value they show. */
export interface ModelStore {
  insert(id: string, model: NewModel, now: Date): Promise<void>;
  update(
    id: string,
    changes: UpdateModelRequest,
    actor: string,
    now: Date,
  ): Promise<void>;
  setArchived(
    id: string,
    archivedAt: Date | null,
    actor: string,
    now: Date,
  ): Promise<void>;
  delete(id: string): Promise<void>;
  /** Gives a model a new name; rejects with a unique violation when taken. */
  rename(id: string, name: string, actor: string, now: Date): Promise<void>;
  /**
   * Locks a model's row until the transaction ends, as registering a
   * version does, so what the transaction reads of the model's versions
   * stays true until it commits. Resolves to false when the model is gone.
   */
  lock(id: string): Promise<boolean>;
  /**
   * Hands out the next version number of a model. Concurrent calls in
   * concurrent transactions never hand out the same number. Undefined when
   * the model is gone (deleted by a transaction that committed first).
   */
  nextVersionNumber(id: string): Promise<number | undefined>;
  getRef(name: string): Promise<ModelRef | undefined>;
  getByName(name: string): Promise<StoredModel | undefined>;
  getByNames(names: string[]): Promise<StoredModel[]>;
  /** One page of models, in the order the query asks for. */
  list(query: ModelQuery): Promise<StoredModel[]>;
  /**
   * Portfolio figures over the non-archived models the filter lets
   * through; `withoutOwner` is left to the caller, which knows the catalog
   * (see `ownerCounts`).
   */
  summary(
    filter: ModelFilter | undefined,
  ): Promise<Omit<PortfolioSummary, 'withoutOwner'>>;
  /** The owners of the non-archived models the filter lets through, with their model counts. */
  ownerCounts(
    filter: ModelFilter | undefined,
  ): Promise<Array<{ owner: string; models: number }>>;
}

/** Models in the `models` table, their tags in `model_tags`. */
export class DatabaseModelStore implements ModelStore {
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
      annotations: JSON.stringify(model.annotations ?? {}),
      key_metric: model.keyMetric ?? null,
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
    changes: UpdateModelRequest,
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
    if (changes.annotations !== undefined) {
      row.annotations = JSON.stringify(changes.annotations);
    }
    if (changes.keyMetric !== undefined) row.key_metric = changes.keyMetric;
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

  async rename(
    id: string,
    name: string,
    actor: string,
    now: Date,
  ): Promise<void> {
    await this.db<ModelRow>('models')
      .where({ id })
      .update({ name, updated_at: now, updated_by: actor });
  }

  /**
   * The row update takes the row lock (PostgreSQL) or the write lock
   * (SQLite) until the transaction ends, so concurrent registrations
   * serialize here and numbers never repeat.
   */
  async nextVersionNumber(id: string): Promise<number | undefined> {
    const [row] = await this.db<ModelRow>('models')
      .where({ id })
      .increment('last_version', 1)
      .returning('last_version');
    return row === undefined
      ? undefined
      : Number((row as { last_version: number }).last_version);
  }

  /**
   * PostgreSQL: `SELECT … FOR UPDATE`, the row lock `nextVersionNumber`
   * takes too, so deleting and registering serialize. SQLite has no row
   * locks; a no-op write takes the database's write lock at once, instead
   * of after the transaction has read.
   */
  async lock(id: string): Promise<boolean> {
    if (this.isPostgres) {
      const row = await this.db('models').where({ id }).forUpdate().first('id');
      return row !== undefined;
    }
    const count = await this.db('models')
      .where({ id })
      .update({ last_version: this.db.ref('last_version') });
    return count === 1;
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

  async list(query: ModelQuery): Promise<StoredModel[]> {
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
    if (query.drift) applyDriftFilter(this.db, q, query.drift);
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
    return this.complete(await q);
  }

  private async replaceTags(id: string, tags: string[]): Promise<void> {
    await this.db('model_tags').where({ model_id: id }).delete();
    if (tags.length > 0) {
      await this.db('model_tags').insert(
        tags.map(tag => ({ model_id: id, tag })),
      );
    }
  }

  /**
   * Completes model rows with their tags, aliases and key metric value: a
   * constant number of queries per page, whatever its size.
   */
  private async complete(rows: ModelRow[]): Promise<StoredModel[]> {
    if (rows.length === 0) return [];
    const ids = rows.map(r => r.id);
    // Sequential on purpose: inside a transaction all queries share one
    // connection, which must not run two queries at once.
    const tagRows: Array<{ model_id: string; tag: string }> = await this.db(
      'model_tags',
    )
      .whereIn('model_id', ids)
      .orderBy('tag');
    const aliasRows: Array<{
      model_id: string;
      alias: string;
      version: number;
    }> = await this.db('model_aliases')
      .join('model_versions', 'model_versions.id', 'model_aliases.version_id')
      .whereIn('model_aliases.model_id', ids)
      .orderBy('model_aliases.alias')
      .select(
        'model_aliases.model_id',
        'model_aliases.alias',
        'model_versions.version',
      );
    const keyMetricValues = await this.keyMetricValues(
      rows.filter(r => r.key_metric !== null).map(r => r.id),
    );
    const tags = groupBy(tagRows, r => r.model_id);
    const aliases = groupBy(aliasRows, r => r.model_id);
    return rows.map(row => {
      const keyMetricValue = keyMetricValues.get(row.id);
      return {
        id: row.id,
        name: row.name,
        owner: row.owner,
        description: row.description,
        task: row.task ?? undefined,
        framework: row.framework ?? undefined,
        tags: (tags.get(row.id) ?? []).map(r => r.tag),
        links: parseJson<ModelLinks>(row.links, {}),
        annotations: parseJson<Record<string, string>>(row.annotations, {}),
        archived: row.archived_at !== null,
        ...(Number(row.last_version) > 0
          ? { latestVersion: Number(row.last_version) }
          : {}),
        aliases: Object.fromEntries(
          (aliases.get(row.id) ?? []).map(a => [a.alias, Number(a.version)]),
        ),
        ...(row.key_metric ? { keyMetric: row.key_metric } : {}),
        ...(keyMetricValue ? { keyMetricValue } : {}),
        createdAt: toIsoString(row.created_at),
        createdBy: row.created_by,
        updatedAt: toIsoString(row.updated_at),
        updatedBy: row.updated_by,
      };
    });
  }

  /**
   * The key metric's value per model: on the version the `production` alias
   * points to, else on the latest READY version, whichever carries the
   * metric first. Of the version's values of that key, the one of the
   * highest step wins; at equal steps, the one without a dataset, else the
   * first dataset by name. Two queries for any number of models.
   */
  private async keyMetricValues(
    modelIds: string[],
  ): Promise<Map<string, NonNullable<Model['keyMetricValue']>>> {
    const values = new Map<string, NonNullable<Model['keyMetricValue']>>();
    if (modelIds.length === 0) return values;
    const candidates = [
      this.db('model_aliases')
        .select('model_aliases.version_id')
        .whereRaw('model_aliases.model_id = models.id')
        .where('model_aliases.alias', PRODUCTION_ALIAS),
      this.db('model_versions as ready')
        .select('ready.id')
        .whereRaw('ready.model_id = models.id')
        .where('ready.status', 'READY')
        .orderBy('ready.version', 'desc')
        .limit(1),
    ];
    for (const candidate of candidates) {
      const pending = modelIds.filter(id => !values.has(id));
      if (pending.length === 0) break;
      const rows: Array<{
        model_id: string;
        key: string;
        value: number;
        version: number;
      }> = await this.db('models')
        .join('model_versions', 'model_versions.model_id', 'models.id')
        .join(
          'version_metrics',
          'version_metrics.version_id',
          'model_versions.id',
        )
        .whereIn('models.id', pending)
        .where('model_versions.id', candidate)
        .where(
          'version_metrics.id',
          this.db('version_metrics as m')
            .select('m.id')
            .whereRaw('m.version_id = model_versions.id')
            .whereRaw('m.key = models.key_metric')
            .orderBy([
              { column: 'm.step', order: 'desc' },
              { column: 'm.dataset', order: 'asc' },
            ])
            .limit(1),
        )
        .select(
          'models.id as model_id',
          'version_metrics.key',
          'version_metrics.value',
          'model_versions.version',
        );
      for (const row of rows) {
        values.set(row.model_id, {
          key: row.key,
          value: Number(row.value),
          version: Number(row.version),
        });
      }
    }
    return values;
  }

  /** Counted in one query. */
  async summary(
    filter: ModelFilter | undefined,
  ): Promise<Omit<PortfolioSummary, 'withoutOwner'>> {
    const db = this.db;
    const when = (condition: string, sub: Knex.QueryBuilder) =>
      db.raw(`coalesce(sum(case when ${condition} then 1 else 0 end), 0)`, [
        sub,
      ]);
    const q = db('models')
      .whereNull('models.archived_at')
      .select({
        models: db.raw('count(*)'),
        in_production: when(
          'exists ?',
          db('model_aliases')
            .select(db.raw('1'))
            .whereRaw('model_aliases.model_id = models.id')
            .where('model_aliases.alias', PRODUCTION_ALIAS),
        ),
        drifting: when(`? = 'drift'`, newestDriftVerdict(db)),
        failed_deployments: when(`? = 'failed'`, newestDeploymentStatus(db)),
        without_model_card: when(
          'not exists ?',
          db('model_versions')
            .select(db.raw('1'))
            .whereRaw('model_versions.model_id = models.id')
            .whereRaw('model_versions.version = models.last_version')
            .whereNotIn('model_versions.model_card', ['{}', '']),
        ),
      });
    if (filter) applyModelFilter(q, filter);
    const [row] = await q;
    return {
      models: Number(row.models),
      inProduction: Number(row.in_production),
      drifting: Number(row.drifting),
      failedDeployments: Number(row.failed_deployments),
      withoutModelCard: Number(row.without_model_card),
    };
  }

  async ownerCounts(
    filter: ModelFilter | undefined,
  ): Promise<Array<{ owner: string; models: number }>> {
    const q = this.db('models')
      .whereNull('models.archived_at')
      .groupBy('models.owner')
      .orderBy('models.owner')
      .select('models.owner', this.db.raw('count(*) as models'));
    if (filter) applyModelFilter(q, filter);
    const rows: Array<{ owner: string; models: number | string }> = await q;
    return rows.map(r => ({ owner: r.owner, models: Number(r.models) }));
  }
}

/** Keeps the models whose newest drift report says `drift`, or `no-drift`, or that have none. */
function applyDriftFilter(
  db: Knex,
  query: Knex.QueryBuilder,
  drift: NonNullable<ModelQuery['drift']>,
): void {
  if (drift === 'unmonitored') {
    query.whereNotExists(
      db('drift_reports')
        .select(db.raw('1'))
        .whereRaw('drift_reports.model_id = models.id'),
    );
  } else {
    query.whereRaw('? = ?', [
      newestDriftVerdict(db),
      drift === 'drifting' ? 'drift' : 'no-drift',
    ]);
  }
}

/** The smallest string above every string that starts with `prefix`. */
function nextPrefix(prefix: string): string {
  const last = prefix.charCodeAt(prefix.length - 1);
  return prefix.slice(0, -1) + String.fromCharCode(last + 1);
}
