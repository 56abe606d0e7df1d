import {
  DatasetUse,
  ListVersionsQuery,
  ModelVersion,
  ModelVersionStatus,
  ParentVersion,
  UpdateVersionRequest,
} from '@mlreg/plugin-model-registry-common';
import { Knex } from 'knex';
import { ModelFilter } from '../permissions/rules';
import { applyModelFilter } from './modelFilter';
import { groupBy, parseJson, toIsoString } from './util';

type VersionRow = {
  id: string;
  model_id: string;
  version: number;
  status: ModelVersionStatus;
  description: string;
  source_run_id: string | null;
  source_commit: string | null;
  source_uri: string | null;
  artifact_key: string | null;
  artifact_uri: string | null;
  artifact_sha256: string | null;
  artifact_size: number | string | null;
  artifact_format: string | null;
  parameters: string;
  model_card: string;
  annotations: string;
  parent_version_id: string | null;
  parent_relation: ParentVersion['relation'] | null;
  failure_reason: string | null;
  created_at: Date | string | number;
  created_by: string;
  updated_at: Date | string | number;
  updated_by: string;
  /** Present when the query joined the model in already. */
  model_name?: string;
};

type MetricRow = {
  version_id: string;
  key: string;
  value: number;
  dataset: string;
  step: number;
};
type TagRow = { version_id: string; tag: string };
type DatasetRow = {
  id: number;
  version_id: string;
  role: DatasetUse['role'];
  entity_ref: string | null;
  uri: string | null;
  digest: string | null;
};
type AliasRow = { version_id: string; alias: string };
type ParentRow = { id: string; version: number; name: string };

/** A version as stored, with the ids other tables refer to. */
export type StoredVersion = ModelVersion & {
  id: string;
  modelId: string;
  artifactKey?: string;
};

/** Everything needed to insert a version. */
export type NewVersion = Pick<
  ModelVersion,
  | 'version'
  | 'status'
  | 'description'
  | 'source'
  | 'parameters'
  | 'metrics'
  | 'datasets'
  | 'tags'
  | 'modelCard'
  | 'annotations'
> & {
  id: string;
  modelId: string;
  artifactKey?: string;
  artifactUri?: string;
  artifactSha256?: string;
  artifactSize?: number;
  artifactFormat?: string;
  parentVersionId?: string;
  parentRelation?: ParentVersion['relation'];
  actor: string;
};

/** A metric condition of a version search, e.g. accuracy >= 0.9. */
export interface MetricCondition {
  key: string;
  op: '>' | '>=' | '<' | '<=' | '=';
  value: number;
}

/** A validated page request on versions. */
export type VersionQuery = Pick<ListVersionsQuery, 'status' | 'tag'> & {
  modelId?: string;
  metrics: MetricCondition[];
  createdAfter?: Date;
  createdBefore?: Date;
  order: NonNullable<ListVersionsQuery['order']>;
  /** Keyset position: created_at and id of the last row seen (cross-model), or version (one model). */
  after?: { version?: number; createdAt?: string; id?: string };
  limit: number;
  /** Permission filter on the owning models. */
  filter?: ModelFilter;
};

/** How a PENDING version settles: READY with its stored artifact, or FAILED. */
export type VersionOutcome =
  | { status: 'READY'; artifactKey: string; sha256: string; size: number }
  | { status: 'FAILED'; reason: string };

/** Versions with their metrics, tags and datasets. */
export interface VersionStore {
  insert(version: NewVersion, now: Date): Promise<void>;
  /** Changes the mutable fields of a version. */
  update(
    id: string,
    changes: UpdateVersionRequest,
    actor: string,
    now: Date,
  ): Promise<void>;
  /**
   * Moves a PENDING version to READY or FAILED. Resolves to false when the
   * version was not PENDING any more (another request settled it first).
   */
  settle(
    id: string,
    outcome: VersionOutcome,
    actor: string,
    now: Date,
  ): Promise<boolean>;
  get(modelId: string, version: number): Promise<StoredVersion | undefined>;
  /** The version an alias of the named model points at. */
  getByAlias(
    modelName: string,
    alias: string,
  ): Promise<StoredVersion | undefined>;
  getById(id: string): Promise<StoredVersion | undefined>;
  /** The given versions of a model, by number. */
  getMany(modelId: string, versions: number[]): Promise<StoredVersion[]>;
  countForModel(modelId: string): Promise<number>;
  /** Versions derived from any of the given versions. */
  children(versionIds: string[]): Promise<StoredVersion[]>;
  /** One page of versions, in the order the query asks for. */
  list(query: VersionQuery): Promise<StoredVersion[]>;
  /**
   * The same page, cut short (`cut`) where the versions' parameters,
   * annotations, model cards, descriptions and metrics pass `maxChars`.
   */
  listWithin(
    query: VersionQuery,
    maxChars: number,
  ): Promise<{ versions: StoredVersion[]; cut: boolean }>;
  /**
   * What the lineage graph needs of the newest `limit` versions of a model
   * (by number, newest first), without parameters, annotations or metrics.
   */
  lineageOf(modelId: string, limit: number): Promise<LineageVersion[]>;
  /** The same of up to `limit` versions derived from any of the given ones. */
  lineageChildren(
    versionIds: string[],
    limit: number,
  ): Promise<LineageVersion[]>;
  /**
   * One metric over the READY versions of a model that carry it: the
   * newest `versions` of them, at most `points` rows, newest version
   * first; and how many versions carry it in all.
   */
  metricSeries(
    modelId: string,
    key: string,
    bounds: { versions: number; points: number },
  ): Promise<{ points: MetricPoint[]; versionsWithMetric: number }>;
  /** Whether a version references this artifact key. */
  isArtifactReferenced(artifactKey: string): Promise<boolean>;
  /** Total bytes of the artifacts stored in the registry for a model's versions. */
  storedArtifactBytes(modelId: string): Promise<number>;
  /** PENDING versions registered before `createdBefore`, oldest first. */
  listPendingBefore(
    createdBefore: Date,
    limit: number,
  ): Promise<StoredVersion[]>;
}

/** A version as the lineage graph needs it. */
export type LineageVersion = Pick<
  StoredVersion,
  'id' | 'model' | 'version' | 'status' | 'source' | 'datasets' | 'parent'
>;

/** A value of one metric on one version. */
export type MetricPoint = {
  version: number;
  value: number;
  dataset?: string;
  step?: number;
};

/** The columns of `model_versions` but its JSON and long text. */
const LIGHT_COLUMNS = [
  'id',
  'model_id',
  'version',
  'status',
  'source_run_id',
  'source_commit',
  'source_uri',
  'artifact_key',
  'artifact_uri',
  'artifact_sha256',
  'artifact_size',
  'artifact_format',
  'parent_version_id',
  'parent_relation',
  'failure_reason',
  'created_at',
  'created_by',
  'updated_at',
  'updated_by',
];

/** The columns of `model_versions` the lineage graph reads. */
const LINEAGE_COLUMNS = [
  'id',
  'model_id',
  'version',
  'status',
  'source_run_id',
  'source_commit',
  'source_uri',
  'parent_version_id',
  'parent_relation',
];

/** Versions in `model_versions` and the tables of their metrics, tags and datasets. */
export class DatabaseVersionStore implements VersionStore {
  constructor(private readonly db: Knex) {}

  /**
   * One statement per table; on PostgreSQL one statement in all: the
   * metrics, tags and data sets are inserted by data-modifying CTEs of the
   * version's insert (their foreign keys are checked at its end).
   */
  async insert(version: NewVersion, now: Date): Promise<void> {
    const children: Array<[string, Knex.QueryBuilder]> = [];
    const versionRow = this.db<VersionRow>('model_versions').insert({
      id: version.id,
      model_id: version.modelId,
      version: version.version,
      status: version.status,
      description: version.description,
      source_run_id: version.source.runId ?? null,
      source_commit: version.source.commit ?? null,
      source_uri: version.source.uri ?? null,
      artifact_key: version.artifactKey ?? null,
      artifact_uri: version.artifactUri ?? null,
      artifact_sha256: version.artifactSha256 ?? null,
      artifact_size: version.artifactSize ?? null,
      artifact_format: version.artifactFormat ?? null,
      parameters: JSON.stringify(version.parameters),
      model_card: JSON.stringify(version.modelCard),
      annotations: JSON.stringify(version.annotations),
      parent_version_id: version.parentVersionId ?? null,
      parent_relation: version.parentRelation ?? null,
      failure_reason: null,
      created_at: now,
      created_by: version.actor,
      updated_at: now,
      updated_by: version.actor,
    });
    if (version.metrics.length > 0) {
      children.push([
        'metrics',
        this.db('version_metrics').insert(
          version.metrics.map(m => ({
            version_id: version.id,
            key: m.key,
            value: m.value,
            dataset: m.dataset ?? '',
            step: m.step ?? 0,
            // The version's, for the metric search's newest-first order.
            created_at: now,
          })),
        ),
      ]);
    }
    if (version.tags.length > 0) {
      children.push([
        'tags',
        this.db('version_tags').insert(
          version.tags.map(tag => ({ version_id: version.id, tag })),
        ),
      ]);
    }
    if (version.datasets.length > 0) {
      children.push([
        'datasets',
        this.db('version_datasets').insert(
          version.datasets.map(d => ({
            version_id: version.id,
            role: d.role,
            entity_ref: d.entityRef ?? null,
            uri: d.uri ?? null,
            digest: d.digest ?? null,
          })),
        ),
      ]);
    }
    if (this.db.client.config.client === 'pg') {
      for (const [name, insert] of children) versionRow.with(name, insert);
      await versionRow;
      return;
    }
    await versionRow;
    for (const [, insert] of children) await insert;
  }

  async update(
    id: string,
    changes: UpdateVersionRequest,
    actor: string,
    now: Date,
  ): Promise<void> {
    const row: Partial<VersionRow> = { updated_at: now, updated_by: actor };
    if (changes.description !== undefined)
      row.description = changes.description;
    if (changes.annotations !== undefined) {
      row.annotations = JSON.stringify(changes.annotations);
    }
    await this.db<VersionRow>('model_versions').where({ id }).update(row);
    if (changes.tags !== undefined) await this.replaceTags(id, changes.tags);
  }

  async settle(
    id: string,
    outcome: VersionOutcome,
    actor: string,
    now: Date,
  ): Promise<boolean> {
    const row: Partial<VersionRow> =
      outcome.status === 'READY'
        ? {
            status: 'READY',
            artifact_key: outcome.artifactKey,
            artifact_sha256: outcome.sha256,
            artifact_size: outcome.size,
          }
        : { status: 'FAILED', failure_reason: outcome.reason };
    const count = await this.db<VersionRow>('model_versions')
      .where({ id, status: 'PENDING' })
      .update({ ...row, updated_at: now, updated_by: actor });
    return count === 1;
  }

  async get(
    modelId: string,
    version: number,
  ): Promise<StoredVersion | undefined> {
    const row = await this.db<VersionRow>('model_versions')
      .where({ model_id: modelId, version })
      .first();
    return row ? (await this.hydrate([row]))[0] : undefined;
  }

  /**
   * One joined query instead of model, alias and version lookups: reading
   * by alias is what serving systems do on every deploy and reload.
   */
  async getByAlias(
    modelName: string,
    alias: string,
  ): Promise<StoredVersion | undefined> {
    const row: VersionRow | undefined = await this.db('model_versions')
      .join('model_aliases', 'model_aliases.version_id', 'model_versions.id')
      .join('models', 'models.id', 'model_aliases.model_id')
      .where({ 'models.name': modelName, 'model_aliases.alias': alias })
      .first('model_versions.*', 'models.name as model_name');
    return row ? (await this.hydrate([row]))[0] : undefined;
  }

  async getById(id: string): Promise<StoredVersion | undefined> {
    const row = await this.db<VersionRow>('model_versions')
      .where({ id })
      .first();
    return row ? (await this.hydrate([row]))[0] : undefined;
  }

  async getMany(modelId: string, versions: number[]): Promise<StoredVersion[]> {
    const rows = await this.db<VersionRow>('model_versions')
      .where({ model_id: modelId })
      .whereIn('version', versions)
      .orderBy('version');
    return this.hydrate(rows);
  }

  async countForModel(modelId: string): Promise<number> {
    const [{ count }] = await this.db('model_versions')
      .where({ model_id: modelId })
      .count({ count: '*' });
    return Number(count);
  }

  async children(versionIds: string[]): Promise<StoredVersion[]> {
    if (versionIds.length === 0) return [];
    return this.hydrate(
      await this.db<VersionRow>('model_versions').whereIn(
        'parent_version_id',
        versionIds,
      ),
    );
  }

  async list(query: VersionQuery): Promise<StoredVersion[]> {
    return this.hydrate(await this.filtered(query).select('model_versions.*'));
  }

  /**
   * Reads the page's rows without their JSON columns first, with the size
   * of what they hold (JSON text, and about 100 characters per metric),
   * keeps the rows whose sizes add up to at most `maxChars` (at least one),
   * and only then reads those rows in full.
   */
  async listWithin(
    query: VersionQuery,
    maxChars: number,
  ): Promise<{ versions: StoredVersion[]; cut: boolean }> {
    const sized: Array<VersionRow & { held: number | string }> =
      await this.filtered(query).select(
        ...LIGHT_COLUMNS.map(c => `model_versions.${c}`),
        this.db.raw(
          `length(model_versions.parameters) + length(model_versions.annotations)
           + length(model_versions.model_card) + length(model_versions.description)
           + 100 * (select count(*) from version_metrics
                    where version_metrics.version_id = model_versions.id) as held`,
        ),
      );
    let total = 0;
    let kept = 0;
    while (kept < sized.length) {
      total += Number(sized[kept].held);
      if (kept > 0 && total > maxChars) break;
      kept++;
    }
    const rows = sized.slice(0, kept);
    const heavy: Array<
      Pick<
        VersionRow,
        'id' | 'parameters' | 'annotations' | 'model_card' | 'description'
      >
    > =
      rows.length === 0
        ? []
        : await this.db('model_versions')
            .whereIn(
              'id',
              rows.map(r => r.id),
            )
            .select(
              'id',
              'parameters',
              'annotations',
              'model_card',
              'description',
            );
    const heavyById = new Map(heavy.map(h => [h.id, h]));
    const versions = await this.hydrate(
      rows.map(({ held: _held, ...row }) => ({
        ...row,
        ...heavyById.get(row.id)!,
      })),
    );
    return { versions, cut: kept < sized.length };
  }

  /**
   * The query of a page of versions, without its columns.
   *
   * Across models with metric conditions, the first condition drives: its
   * rows of `version_metrics` are read newest first from
   * `version_metrics_key_created_idx (key, created_at, version_id, value)`
   * (`created_at` is the version's, copied at insert), and only the rows
   * whose value matches are joined to their version. A page then costs about
   * (page size / share of matching rows) index entries wherever the matching
   * versions fall. A version with several rows of that key (other data sets
   * or steps) is kept once, by its first matching row.
   */
  private filtered(query: VersionQuery): Knex.QueryBuilder<VersionRow> {
    const driving: MetricCondition | undefined = query.modelId
      ? undefined
      : query.metrics[0];
    const conditions = driving ? query.metrics.slice(1) : query.metrics;
    // The columns of the newest-first order: the driving metric row's copy
    // of the version's (created_at, id), which are the version's own.
    const [createdAt, id] = driving
      ? ['driving.created_at', 'driving.version_id']
      : ['model_versions.created_at', 'model_versions.id'];
    const q: Knex.QueryBuilder<VersionRow> = driving
      ? this.db<VersionRow>('version_metrics as driving')
          .join('model_versions', 'model_versions.id', 'driving.version_id')
          .where('driving.key', driving.key)
          .where('driving.value', driving.op, driving.value)
          .whereNotExists(
            this.db('version_metrics as earlier')
              .select(this.db.raw('1'))
              .whereRaw('earlier.version_id = driving.version_id')
              .where('earlier.key', driving.key)
              .where('earlier.value', driving.op, driving.value)
              .whereRaw('earlier.id < driving.id'),
          )
          .limit(query.limit)
      : this.db<VersionRow>('model_versions').limit(query.limit);
    if (query.modelId) {
      q.where('model_versions.model_id', query.modelId).orderBy(
        'model_versions.version',
        query.order,
      );
      if (query.after?.version !== undefined) {
        q.where(
          'model_versions.version',
          query.order === 'asc' ? '>' : '<',
          query.after.version,
        );
      }
    } else {
      q.orderBy([
        { column: createdAt, order: query.order },
        { column: id, order: query.order },
      ]);
      if (query.after?.createdAt && query.after.id) {
        q.whereRaw(
          `(${createdAt}, ${id}) ${query.order === 'asc' ? '>' : '<'} (?, ?)`,
          [new Date(query.after.createdAt), query.after.id],
        );
      }
    }
    const filter = query.filter;
    if (filter) {
      // A semi-join rather than a join keeps the planner walking the
      // (created_at, id) index instead of sorting every matching version.
      q.whereExists(
        this.db('models')
          .select(this.db.raw('1'))
          .whereRaw('models.id = model_versions.model_id')
          .where(sub => applyModelFilter(sub, filter)),
      );
    }
    if (query.status) q.where('model_versions.status', query.status);
    if (query.createdAfter) q.where(createdAt, '>=', query.createdAfter);
    if (query.createdBefore) q.where(createdAt, '<', query.createdBefore);
    if (query.tag) {
      q.whereExists(
        this.db('version_tags')
          .select(this.db.raw('1'))
          .whereRaw('version_tags.version_id = model_versions.id')
          .where('version_tags.tag', query.tag),
      );
    }
    for (const condition of conditions) {
      q.whereExists(
        this.db('version_metrics')
          .select(this.db.raw('1'))
          .whereRaw('version_metrics.version_id = model_versions.id')
          .where('version_metrics.key', condition.key)
          .where('version_metrics.value', condition.op, condition.value),
      );
    }
    return q;
  }

  async isArtifactReferenced(artifactKey: string): Promise<boolean> {
    const row = await this.db('model_versions')
      .where({ artifact_key: artifactKey })
      .first('id');
    return row !== undefined;
  }

  async storedArtifactBytes(modelId: string): Promise<number> {
    const row = await this.db('model_versions')
      .where({ model_id: modelId })
      .whereNotNull('artifact_key')
      .sum({ total: 'artifact_size' })
      .first();
    return Number(row?.total ?? 0);
  }

  async listPendingBefore(
    createdBefore: Date,
    limit: number,
  ): Promise<StoredVersion[]> {
    const rows = await this.db<VersionRow>('model_versions')
      .where({ status: 'PENDING' })
      .where('created_at', '<', createdBefore)
      .orderBy([
        { column: 'created_at', order: 'asc' },
        { column: 'id', order: 'asc' },
      ])
      .limit(limit);
    return this.hydrate(rows);
  }

  async lineageOf(modelId: string, limit: number): Promise<LineageVersion[]> {
    return this.toLineage(
      await this.db<VersionRow>('model_versions')
        .where({ model_id: modelId })
        .orderBy('version', 'desc')
        .limit(limit)
        .select(LINEAGE_COLUMNS),
    );
  }

  async lineageChildren(
    versionIds: string[],
    limit: number,
  ): Promise<LineageVersion[]> {
    if (versionIds.length === 0) return [];
    return this.toLineage(
      await this.db<VersionRow>('model_versions')
        .whereIn('parent_version_id', versionIds)
        .orderBy([{ column: 'model_id' }, { column: 'version', order: 'desc' }])
        .limit(limit)
        .select(LINEAGE_COLUMNS),
    );
  }

  async metricSeries(
    modelId: string,
    key: string,
    bounds: { versions: number; points: number },
  ): Promise<{ points: MetricPoint[]; versionsWithMetric: number }> {
    const carrying = () =>
      this.db('model_versions')
        .where({ 'model_versions.model_id': modelId, status: 'READY' })
        .whereExists(
          this.db('version_metrics')
            .select(this.db.raw('1'))
            .whereRaw('version_metrics.version_id = model_versions.id')
            .where('version_metrics.key', key),
        );
    const newest: Array<{ id: string; version: number }> = await carrying()
      .orderBy('version', 'desc')
      .limit(bounds.versions)
      .select('id', 'version');
    const versionsWithMetric =
      newest.length < bounds.versions
        ? newest.length
        : Number((await carrying().count({ count: '*' }))[0].count);
    if (newest.length === 0) return { points: [], versionsWithMetric };
    const rows: Array<MetricRow & { version: number }> = await this.db(
      'version_metrics',
    )
      .join('model_versions', 'model_versions.id', 'version_metrics.version_id')
      .whereIn(
        'version_metrics.version_id',
        newest.map(v => v.id),
      )
      .where('version_metrics.key', key)
      .orderBy([
        { column: 'model_versions.version', order: 'desc' },
        { column: 'version_metrics.dataset' },
        { column: 'version_metrics.step' },
      ])
      .limit(bounds.points)
      .select(
        'model_versions.version',
        'version_metrics.value',
        'version_metrics.dataset',
        'version_metrics.step',
      );
    return {
      points: rows.map(m => ({
        version: Number(m.version),
        value: Number(m.value),
        ...(m.dataset ? { dataset: m.dataset } : {}),
        ...(Number(m.step) !== 0 ? { step: Number(m.step) } : {}),
      })),
      versionsWithMetric,
    };
  }

  /** Completes lineage rows with their data sets, parents and model names. */
  private async toLineage(rows: VersionRow[]): Promise<LineageVersion[]> {
    if (rows.length === 0) return [];
    const related = await this.related(rows, [
      ...new Set(rows.map(r => r.model_id)),
    ]);
    return rows.map(row => ({
      id: row.id,
      model: related.modelName(row),
      version: Number(row.version),
      status: row.status,
      source: toSource(row),
      datasets: related.datasets(row),
      parent: related.parent(row),
    }));
  }

  /**
   * What `hydrate` and `toLineage` both add to rows: their data sets, their
   * parents, and the names of the models in `modelIds`. Sequential on
   * purpose: inside a transaction all queries share one connection, which
   * must not run two queries at once.
   */
  private async related(rows: VersionRow[], modelIds: string[]) {
    const parentIds = [
      ...new Set(
        rows.flatMap(r => (r.parent_version_id ? [r.parent_version_id] : [])),
      ),
    ];
    const datasets = await this.db<DatasetRow>('version_datasets')
      .whereIn(
        'version_id',
        rows.map(r => r.id),
      )
      .orderBy('id');
    const models =
      modelIds.length === 0
        ? []
        : await this.db<{ id: string; name: string }>('models')
            .whereIn('id', modelIds)
            .select('id', 'name');
    const parents: ParentRow[] =
      parentIds.length === 0
        ? []
        : await this.db('model_versions')
            .join('models', 'models.id', 'model_versions.model_id')
            .whereIn('model_versions.id', parentIds)
            .select(
              'model_versions.id',
              'model_versions.version',
              'models.name',
            );
    const datasetsBy = groupBy(datasets, d => d.version_id);
    const modelNames = new Map(models.map(m => [m.id, m.name]));
    const parentsById = new Map(parents.map(p => [p.id, p]));
    return {
      modelName: (row: VersionRow) =>
        row.model_name ?? modelNames.get(row.model_id)!,
      datasets: (row: VersionRow) =>
        (datasetsBy.get(row.id) ?? []).map(d => ({
          role: d.role,
          ...(d.entity_ref ? { entityRef: d.entity_ref } : {}),
          ...(d.uri ? { uri: d.uri } : {}),
          ...(d.digest ? { digest: d.digest } : {}),
        })),
      parent: (row: VersionRow) => {
        const parent = row.parent_version_id
          ? parentsById.get(row.parent_version_id)
          : undefined;
        return parent && row.parent_relation
          ? {
              model: parent.name,
              version: Number(parent.version),
              relation: row.parent_relation,
            }
          : undefined;
      },
    };
  }

  private async replaceTags(id: string, tags: string[]): Promise<void> {
    await this.db('version_tags').where({ version_id: id }).delete();
    if (tags.length > 0) {
      await this.db('version_tags').insert(
        tags.map(tag => ({ version_id: id, tag })),
      );
    }
  }

  private async hydrate(rows: VersionRow[]): Promise<StoredVersion[]> {
    if (rows.length === 0) return [];
    const ids = rows.map(r => r.id);
    // Sequential on purpose, as in `related`.
    const metrics = await this.db<MetricRow>('version_metrics')
      .whereIn('version_id', ids)
      .orderBy(['key', 'dataset', 'step']);
    const tags = await this.db<TagRow>('version_tags')
      .whereIn('version_id', ids)
      .orderBy('tag');
    const aliases = await this.db<AliasRow>('model_aliases')
      .whereIn('version_id', ids)
      .orderBy('alias');
    // Model names the query did not join in already.
    const related = await this.related(rows, [
      ...new Set(rows.filter(r => !r.model_name).map(r => r.model_id)),
    ]);
    const metricsBy = groupBy(metrics, m => m.version_id);
    const tagsBy = groupBy(tags, t => t.version_id);
    const aliasesBy = groupBy(aliases, a => a.version_id);
    return rows.map(row => ({
      id: row.id,
      modelId: row.model_id,
      artifactKey: row.artifact_key ?? undefined,
      model: related.modelName(row),
      version: Number(row.version),
      status: row.status,
      description: row.description,
      aliases: (aliasesBy.get(row.id) ?? []).map(a => a.alias),
      source: toSource(row),
      artifact: toArtifact(row),
      parameters: parseJson(row.parameters, {}),
      metrics: (metricsBy.get(row.id) ?? []).map(m => ({
        key: m.key,
        value: Number(m.value),
        ...(m.dataset ? { dataset: m.dataset } : {}),
        ...(Number(m.step) !== 0 ? { step: Number(m.step) } : {}),
      })),
      datasets: related.datasets(row),
      tags: (tagsBy.get(row.id) ?? []).map(t => t.tag),
      modelCard: parseJson(row.model_card, {}),
      annotations: parseJson(row.annotations, {}),
      parent: related.parent(row),
      failureReason: row.failure_reason ?? undefined,
      createdAt: toIsoString(row.created_at),
      createdBy: row.created_by,
      updatedAt: toIsoString(row.updated_at),
      updatedBy: row.updated_by,
    }));
  }
}

function toSource(row: VersionRow) {
  return {
    runId: row.source_run_id ?? undefined,
    commit: row.source_commit ?? undefined,
    uri: row.source_uri ?? undefined,
  };
}

function toArtifact(row: VersionRow): ModelVersion['artifact'] {
  const common = {
    sha256: row.artifact_sha256 ?? undefined,
    size: row.artifact_size === null ? undefined : Number(row.artifact_size),
    format: row.artifact_format ?? undefined,
  };
  if (row.artifact_uri) {
    return { location: 'external', uri: row.artifact_uri, ...common };
  }
  if (row.artifact_key || row.artifact_format) {
    return { location: 'registry', ...common };
  }
  return undefined;
}
