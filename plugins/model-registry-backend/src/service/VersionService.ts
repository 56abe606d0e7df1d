import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  Metric,
  ModelVersion,
  ModelVersionStatus,
  Page,
  RegisterVersionRequest,
  UpdateVersionRequest,
  ComparisonRow,
  VersionComparison,
  modelRegistrySchemas,
} from '@mlreg/plugin-model-registry-common';
import { z } from 'zod';
import { randomUUID } from 'node:crypto';
import { RegistryStores, Stores } from '../database/RegistryDatabase';
import { ModelRef } from '../database/ModelStore';
import { MetricCondition, StoredVersion } from '../database/VersionStore';
import { ModelFilter } from '../permissions/rules';
import { ArtifactStore, artifactKey } from '../storage/ArtifactStore';
import { UploadSettings } from '../storage/createArtifactStore';
import { ArtifactQuotaError } from '../storage/errors';
import { Actor } from './Actor';
import { isWholeNumber, readPage, timestampAndId } from './cursor';
import { ModelService } from './ModelService';
import { recordChange } from './recordChange';

const { graphLimits } = modelRegistrySchemas;

/**
 * What a page of versions holds at most, in characters of parameters,
 * annotations, model cards and descriptions (and 100 per metric): 2 MiB of
 * ASCII. A page of large versions ends early; its `nextCursor` goes on.
 */
export const MAX_PAGE_CHARS = 2 * 1024 * 1024;

/** One metric over versions, as `GET …/metrics/{key}/trend` answers. */
export type MetricTrend = z.output<typeof modelRegistrySchemas.metricTrend>;

/** Strips the internal ids from a stored version. */
export function publicVersion({
  id: _id,
  modelId: _modelId,
  artifactKey: _key,
  ...version
}: StoredVersion): ModelVersion {
  return version;
}

/**
 * Where a page of versions ends: the versions of one model go by number, a
 * search across models by creation time.
 */
type VersionPosition = { version: number } | { createdAt: string; id: string };

/** A query of versions across models or within one. */
export interface VersionListQuery {
  model?: string;
  status?: ModelVersionStatus;
  tag?: string;
  metrics?: MetricCondition[];
  createdAfter?: Date;
  createdBefore?: Date;
  order?: 'asc' | 'desc';
  limit: number;
  cursor?: string;
  filter?: ModelFilter;
}

/**
 * Domain rules for versions: numbering, the PENDING → READY | FAILED
 * lifecycle, immutability of READY versions, artifacts.
 */
export class VersionService {
  constructor(
    private readonly db: RegistryStores,
    private readonly models: ModelService,
    private readonly artifacts: ArtifactStore,
    private readonly maxArtifactBytes: number,
    /** Timeouts and the per-model quota of uploads; none when absent. */
    private readonly uploads?: Partial<UploadSettings>,
  ) {}

  async register(
    modelName: string,
    request: RegisterVersionRequest,
    actor: Actor,
  ): Promise<ModelVersion> {
    const [created] = await this.registerMany(
      [{ model: modelName, version: request }],
      actor,
    );
    return created;
  }

  /**
   * Registers versions of one or more models in one transaction: all of
   * them or none, numbered in the order given.
   */
  async registerMany(
    items: Array<{ model: string; version: RegisterVersionRequest }>,
    actor: Actor,
  ): Promise<ModelVersion[]> {
    const models = new Map<string, ModelRef>();
    const prepared: Array<{
      model: ModelRef;
      request: RegisterVersionRequest;
      parentModel?: ModelRef;
    }> = [];
    for (const { model: modelName, version: request } of items) {
      let model = models.get(modelName);
      if (!model) {
        model = await this.models.resolve(modelName);
        if (model.archived) {
          throw new ConflictError(
            `model "${modelName}" is archived; restore it before registering versions`,
          );
        }
        models.set(modelName, model);
      }
      assertUniqueMetrics(request.metrics ?? []);
      const parentModel = request.parent
        ? await this.models.resolve(request.parent.model)
        : undefined;
      prepared.push({ model, request, parentModel });
    }
    // The answers are built from what was written rather than read back, so
    // the models' row locks are held as briefly as possible.
    return this.db.transaction(async stores => {
      const now = new Date();
      const created: ModelVersion[] = [];
      for (const { model, request, parentModel } of prepared) {
        created.push(
          await this.insertVersion(
            stores,
            model,
            request,
            parentModel,
            actor,
            now,
          ),
        );
      }
      return created;
    });
  }

  private async insertVersion(
    stores: Stores,
    model: ModelRef,
    request: RegisterVersionRequest,
    parentModel: ModelRef | undefined,
    actor: Actor,
    now: Date,
  ): Promise<ModelVersion> {
    // Read in the transaction, so a parent registered earlier in the same
    // batch counts.
    const parent =
      parentModel && request.parent
        ? await stores.versions.get(parentModel.id, request.parent.version)
        : undefined;
    if (request.parent && !parent) {
      throw new NotFoundError(
        `version ${request.parent.version} of model "${request.parent.model}" not found`,
      );
    }
    const version = await stores.models.nextVersionNumber(model.id);
    if (version === undefined) {
      // Deleted since it was resolved; its row lock kept it until then.
      throw new NotFoundError(`model "${model.name}" not found`);
    }
    const status = request.artifact ? 'READY' : 'PENDING';
    const tags = [...new Set(request.tags ?? [])];
    await stores.versions.insert(
      {
        id: randomUUID(),
        modelId: model.id,
        version,
        // An artifact kept elsewhere is complete on arrival; an uploaded
        // one makes the version READY once its bytes are stored.
        status,
        description: request.description ?? '',
        source: request.source ?? {},
        artifactUri: request.artifact?.uri,
        artifactSha256: request.artifact?.sha256,
        artifactSize: request.artifact?.size,
        artifactFormat: request.artifact?.format ?? request.artifactFormat,
        parameters: request.parameters ?? {},
        metrics: request.metrics ?? [],
        datasets: request.datasets ?? [],
        tags,
        modelCard: request.modelCard ?? {},
        annotations: request.annotations ?? {},
        parentVersionId: parent?.id,
        parentRelation: request.parent?.relation,
        actor: actor.ref,
      },
      now,
    );
    const created: ModelVersion = {
      model: model.name,
      version,
      status,
      description: request.description ?? '',
      aliases: [],
      source: request.source ?? {},
      artifact: newArtifact(request),
      parameters: request.parameters ?? {},
      metrics: request.metrics ?? [],
      datasets: request.datasets ?? [],
      tags: [...tags].sort(),
      modelCard: request.modelCard ?? {},
      annotations: request.annotations ?? {},
      parent: request.parent,
      createdAt: now.toISOString(),
      createdBy: actor.ref,
      updatedAt: now.toISOString(),
      updatedBy: actor.ref,
    };
    await recordChange(stores, actor, now, {
      action: 'version.register',
      event: 'version.registered',
      target: `model:${model.name}/versions/${version}`,
      model,
      version,
      after: created,
      payload: { model: model.name, version, status },
    });
    return created;
  }

  async getStored(modelName: string, version: number): Promise<StoredVersion> {
    const model = await this.models.resolve(modelName);
    const found = await this.db.read.versions.get(model.id, version);
    if (!found) {
      throw new NotFoundError(
        `version ${version} of model "${modelName}" not found`,
      );
    }
    return found;
  }

  async get(modelName: string, version: number): Promise<ModelVersion> {
    return this.present(await this.getStored(modelName, version));
  }

  async getByAlias(modelName: string, alias: string): Promise<ModelVersion> {
    const found = await this.db.read.versions.getByAlias(modelName, alias);
    if (found) return this.present(found);
    // Tell an unknown model from a missing alias.
    await this.models.resolve(modelName);
    throw new NotFoundError(`model "${modelName}" has no alias "${alias}"`);
  }

  async list(query: VersionListQuery): Promise<Page<ModelVersion>> {
    const model = query.model
      ? await this.models.resolve(query.model)
      : undefined;
    const page = await readPage<StoredVersion, VersionPosition>({
      cursor: query.cursor,
      limit: query.limit,
      accept: model
        ? c =>
            isWholeNumber(c.version, 1) ? { version: c.version } : undefined
        : c => timestampAndId(c, 'createdAt'),
      read: async (after, limit) => {
        const { versions, cut } = await this.db.read.versions.listWithin(
          {
            modelId: model?.id,
            status: query.status,
            tag: query.tag,
            metrics: query.metrics ?? [],
            createdAfter: query.createdAfter,
            createdBefore: query.createdBefore,
            order: query.order ?? 'desc',
            after,
            limit,
            filter: query.filter,
          },
          MAX_PAGE_CHARS,
        );
        return { rows: versions, cut };
      },
      position: last =>
        model
          ? { version: last.version }
          : { createdAt: last.createdAt, id: last.id },
    });
    return { ...page, items: page.items.map(v => this.present(v)) };
  }

  /** Changes what may change on any version: description, tags, annotations. */
  async update(
    modelName: string,
    version: number,
    changes: UpdateVersionRequest,
    actor: Actor,
  ): Promise<ModelVersion> {
    const before = await this.getStored(modelName, version);
    await this.db.transaction(async stores => {
      const now = new Date();
      await stores.versions.update(
        before.id,
        { ...changes, tags: changes.tags && [...new Set(changes.tags)] },
        actor.ref,
        now,
      );
      const after = (await stores.versions.getById(before.id))!;
      await recordChange(stores, actor, now, {
        action: 'version.update',
        event: 'version.updated',
        target: `model:${modelName}/versions/${version}`,
        model: { id: before.modelId, name: modelName },
        version,
        ...changedFields(pickMutable(before), pickMutable(after)),
        payload: { model: modelName, version },
      });
    });
    return this.get(modelName, version);
  }

  /** Marks a PENDING version FAILED, e.g. when the training job died. */
  async fail(
    modelName: string,
    version: number,
    reason: string,
    actor: Actor,
  ): Promise<ModelVersion> {
    const stored = await this.getStored(modelName, version);
    await this.db.transaction(async stores => {
      const now = new Date();
      const settled = await stores.versions.settle(
        stored.id,
        { status: 'FAILED', reason },
        actor.ref,
        now,
      );
      if (!settled) {
        throw new ConflictError(
          `version ${version} of model "${modelName}" is ${stored.status}, only a PENDING version can fail`,
        );
      }
      await this.recordSettled(stores, actor, now, stored, 'FAILED', {
        reason,
      });
    });
    return this.get(modelName, version);
  }

  /**
   * A version as the API shows it: a stored artifact with its URI in the
   * store where the store has one (`gs://…`, `s3://…`), so that model
   * servers can fetch it straight from there.
   */
  private present(stored: StoredVersion): ModelVersion {
    const version = publicVersion(stored);
    const uri = stored.artifactKey && this.artifacts.uri(stored.artifactKey);
    if (!uri || !version.artifact) return version;
    return { ...version, artifact: { ...version.artifact, uri } };
  }

  /**
   * Streams an artifact into the store and makes the version READY. The
   * object key is new for every attempt, so two racing uploads never write
   * the same object and the loser's bytes are simply removed.
   */
  async uploadArtifact(
    modelName: string,
    version: number,
    body: NodeJS.ReadableStream,
    options: { expectedSha256?: string; declaredSize?: number },
    actor: Actor,
  ): Promise<ModelVersion> {
    const stored = await this.getStored(modelName, version);
    if (stored.status !== 'PENDING') {
      throw new ConflictError(
        `version ${version} of model "${modelName}" is ${stored.status}; artifacts of READY and FAILED versions cannot change`,
      );
    }
    if (stored.artifact?.location === 'external') {
      throw new ConflictError(
        `version ${version} of model "${modelName}" has an external artifact`,
      );
    }
    if (
      options.declaredSize !== undefined &&
      options.declaredSize > this.maxArtifactBytes
    ) {
      throw new InputError(
        `artifact of ${options.declaredSize} bytes exceeds the limit of ${this.maxArtifactBytes} bytes`,
      );
    }
    const quota = this.uploads?.modelQuotaBytes;
    let maxBytes = this.maxArtifactBytes;
    let tooLarge: ((max: number) => Error) | undefined;
    if (quota !== undefined) {
      const used = await this.db.read.versions.storedArtifactBytes(
        stored.modelId,
      );
      const left = Math.max(0, quota - used);
      const refusal = (size: string) =>
        new ArtifactQuotaError(
          `artifact of ${size} would exceed the quota of model "${modelName}": ${used} of ${quota} bytes are used, ${left} are left (modelRegistry.storage.modelQuotaBytes)`,
        );
      if (options.declaredSize !== undefined && options.declaredSize > left) {
        throw refusal(`${options.declaredSize} bytes`);
      }
      if (left < maxBytes) {
        maxBytes = left;
        tooLarge = () => refusal(`more than ${left} bytes`);
      }
    }
    const key = artifactKey(stored.modelId, randomUUID());
    const written = await this.artifacts.put(key, body, {
      maxBytes,
      tooLarge,
      expectedSha256: options.expectedSha256,
      declaredBytes: options.declaredSize,
      idleTimeoutMs: this.uploads?.idleTimeoutMs,
      timeoutMs: this.uploads?.timeoutMs,
    });
    try {
      await this.db.transaction(async stores => {
        const now = new Date();
        if (quota !== undefined) {
          // Another upload to the model may have finished meanwhile.
          const used = await stores.versions.storedArtifactBytes(
            stored.modelId,
          );
          if (used + written.size > quota) {
            throw new ArtifactQuotaError(
              `artifact of ${written.size} bytes would exceed the quota of model "${modelName}": ${used} of ${quota} bytes are used (modelRegistry.storage.modelQuotaBytes)`,
            );
          }
        }
        const settled = await stores.versions.settle(
          stored.id,
          {
            status: 'READY',
            artifactKey: key,
            sha256: written.sha256,
            size: written.size,
          },
          actor.ref,
          now,
        );
        if (!settled) {
          throw new ConflictError(
            `version ${version} of model "${modelName}" is no longer PENDING: another upload finished first, or it was marked FAILED meanwhile`,
          );
        }
        await this.recordSettled(stores, actor, now, stored, 'READY', {
          sha256: written.sha256,
          size: written.size,
        });
      });
    } catch (error) {
      await this.artifacts.delete(key);
      throw error;
    }
    return this.get(modelName, version);
  }

  /** The artifact of a READY version: a presigned URL where the store has one, else the bytes. */
  async openArtifact(
    modelName: string,
    version: number,
  ): Promise<
    | { url: string }
    | {
        body: NodeJS.ReadableStream;
        size: number;
        sha256?: string;
        fileName: string;
      }
  > {
    const stored = await this.getStored(modelName, version);
    if (stored.status !== 'READY') {
      throw new ConflictError(
        `version ${version} of model "${modelName}" is ${stored.status}; only READY versions have an artifact`,
      );
    }
    if (!stored.artifactKey) {
      throw new NotFoundError(
        stored.artifact?.uri
          ? `the artifact of version ${version} of model "${modelName}" is kept outside the registry at ${stored.artifact.uri}`
          : `version ${version} of model "${modelName}" has no artifact`,
      );
    }
    const url = await this.artifacts.getDownloadUrl(stored.artifactKey, 900);
    if (url) return { url };
    const { body, size } = await this.artifacts.get(stored.artifactKey);
    const extension = stored.artifact?.format
      ? `.${stored.artifact.format}`
      : '';
    return {
      body,
      size,
      sha256: stored.artifact?.sha256,
      fileName: `${modelName}-v${version}${extension}`,
    };
  }

  async compare(
    modelName: string,
    versions: number[],
  ): Promise<VersionComparison> {
    const model = await this.models.resolve(modelName);
    const found = await this.db.read.versions.getMany(model.id, versions);
    const missing = versions.filter(v => !found.some(f => f.version === v));
    if (missing.length > 0) {
      throw new NotFoundError(
        `model "${modelName}" has no version ${missing.join(', ')}`,
      );
    }
    // Values by key in Maps: a key such as `toString` or `constructor` is
    // data, not a property every plain object already has.
    const rows = (entries: Array<[StoredVersion, Map<string, Value>]>) => {
      const keys = [
        ...new Set(entries.flatMap(([, values]) => [...values.keys()])),
      ].sort();
      return keys.map(key => {
        const values: ComparisonRow['values'] = {};
        for (const [v, map] of entries)
          values[v.version] = map.get(key) ?? null;
        const distinct = new Set(
          entries.map(([, map]) => JSON.stringify(map.get(key) ?? null)),
        );
        return { key, values, differs: distinct.size > 1 };
      });
    };
    const metricLabels = labelMetrics(found.flatMap(v => v.metrics));
    return {
      versions: found.map(v => this.present(v)),
      parameters: rows(
        found.map(v => [v, new Map(Object.entries(v.parameters))]),
      ),
      metrics: rows(
        found.map(v => [
          v,
          new Map(
            v.metrics.map(m => [metricLabels.get(metricIdentity(m))!, m.value]),
          ),
        ]),
      ),
      datasets: rows(
        found.map(v => [
          v,
          new Map(v.datasets.map(d => [d.role, d.entityRef ?? d.uri ?? ''])),
        ]),
      ),
      artifacts: rows(
        found.map(v => {
          const artifact = new Map<string, Value>();
          if (v.artifact?.format) artifact.set('format', v.artifact.format);
          if (v.artifact?.size !== undefined) {
            artifact.set('size', v.artifact.size);
          }
          if (v.artifact?.sha256) artifact.set('sha256', v.artifact.sha256);
          return [v, artifact];
        }),
      ),
    };
  }

  /**
   * One metric across the READY versions of a model, oldest first: of the
   * versions that carry it, the newest `versions` (default and maximum in
   * `graphLimits.trendVersions`), in at most `graphLimits.trendPoints`
   * points, whole versions only. Only metric rows are read. `truncated`
   * says so when versions are left out.
   */
  async metricTrend(
    modelName: string,
    key: string,
    options: { versions?: number } = {},
  ): Promise<MetricTrend> {
    const model = await this.models.resolve(modelName);
    const limit = Math.min(
      options.versions ?? graphLimits.trendVersions.default,
      graphLimits.trendVersions.max,
    );
    const { points, versionsWithMetric } =
      await this.db.read.versions.metricSeries(model.id, key, {
        versions: limit,
        points: graphLimits.trendPoints + 1,
      });
    let items = points;
    if (points.length > graphLimits.trendPoints) {
      // Newest first: drop the oldest version, whose points may be cut.
      const cut = points[graphLimits.trendPoints].version;
      items = points.filter(p => p.version > cut);
    }
    const shown = new Set(items.map(p => p.version)).size;
    return {
      // Oldest version first; a stable sort keeps each version's points
      // in their order (data set, step).
      items: items.sort((a, b) => a.version - b.version),
      ...(shown < versionsWithMetric
        ? {
            truncated: {
              limit,
              versions: versionsWithMetric,
              shown,
            },
          }
        : {}),
    };
  }

  private async recordSettled(
    stores: Stores,
    actor: Actor,
    now: Date,
    version: StoredVersion,
    status: 'READY' | 'FAILED',
    details: Record<string, unknown>,
  ) {
    await recordChange(stores, actor, now, {
      action: status === 'READY' ? 'version.ready' : 'version.fail',
      event: status === 'READY' ? 'version.ready' : 'version.failed',
      target: `model:${version.model}/versions/${version.version}`,
      model: { id: version.modelId, name: version.model },
      version: version.version,
      before: { status: version.status },
      after: { status, ...details },
      payload: {
        model: version.model,
        version: version.version,
        status,
        ...details,
      },
    });
  }
}

/** The artifact a new version starts with: external, announced, or none. */
function newArtifact(
  request: RegisterVersionRequest,
): ModelVersion['artifact'] {
  if (request.artifact) return { location: 'external', ...request.artifact };
  if (request.artifactFormat) {
    return { location: 'registry', format: request.artifactFormat };
  }
  return undefined;
}

/** A value of a comparison row. */
type Value = string | number | boolean;

/**
 * What makes two metrics of a version the same row of `version_metrics`
 * (its unique index is key, dataset, step): no dataset is the empty one, no
 * step is step 0.
 */
function metricIdentity(metric: Metric): string {
  return JSON.stringify([metric.key, metric.dataset ?? '', metric.step ?? 0]);
}

/** How a comparison labels a metric: `auc`, `auc@holdout`, `auc@holdout@5`, `auc@5`. */
function metricLabel(metric: Metric): string {
  return [metric.key, metric.dataset, metric.step || undefined]
    .filter(p => p !== undefined && p !== '')
    .join('@');
}

/**
 * The label of each distinct metric. Labels are for people and can
 * collide (`auc` at step 5 and `auc` on a data set named `5` are both
 * `auc@5`); colliding metrics are labelled by their full identity instead,
 * so no value hides another.
 */
function labelMetrics(metrics: Metric[]): Map<string, string> {
  const byLabel = new Map<string, Set<string>>();
  for (const metric of metrics) {
    const label = metricLabel(metric);
    const identities = byLabel.get(label) ?? new Set<string>();
    identities.add(metricIdentity(metric));
    byLabel.set(label, identities);
  }
  const labels = new Map<string, string>();
  for (const [label, identities] of byLabel) {
    for (const identity of identities) {
      if (identities.size === 1) {
        labels.set(identity, label);
      } else {
        const [key, dataset, step] = JSON.parse(identity);
        labels.set(identity, `${key} (dataset "${dataset}", step ${step})`);
      }
    }
  }
  return labels;
}

function assertUniqueMetrics(metrics: Metric[]) {
  const seen = new Set<string>();
  for (const metric of metrics) {
    const identity = metricIdentity(metric);
    if (seen.has(identity)) {
      const where = [
        metric.dataset ? `data set "${metric.dataset}"` : 'no data set',
        `step ${metric.step ?? 0}`,
      ].join(' and ');
      throw new InputError(
        `metric "${metric.key}" appears twice for ${where} (no step is step 0)`,
      );
    }
    seen.add(identity);
  }
}

/**
 * What a change changed, for its audit record: the fields that differ, and
 * of the annotations only the keys that were added, changed or removed.
 */
function changedFields(
  before: ReturnType<typeof pickMutable>,
  after: ReturnType<typeof pickMutable>,
): { before: Record<string, unknown>; after: Record<string, unknown> } {
  const was: Record<string, unknown> = {};
  const is: Record<string, unknown> = {};
  if (before.description !== after.description) {
    was.description = before.description;
    is.description = after.description;
  }
  if (JSON.stringify(before.tags) !== JSON.stringify(after.tags)) {
    was.tags = before.tags;
    is.tags = after.tags;
  }
  const old = new Map(Object.entries(before.annotations));
  const now = new Map(Object.entries(after.annotations));
  const keys = [...new Set([...old.keys(), ...now.keys()])].filter(
    key => old.get(key) !== now.get(key),
  );
  if (keys.length > 0) {
    // Object.fromEntries defines own properties: any key is kept.
    was.annotations = Object.fromEntries(
      keys.filter(k => old.has(k)).map(k => [k, old.get(k)]),
    );
    is.annotations = Object.fromEntries(
      keys.filter(k => now.has(k)).map(k => [k, now.get(k)]),
    );
  }
  return { before: was, after: is };
}

function pickMutable(version: StoredVersion) {
  return {
    description: version.description,
    tags: version.tags,
    annotations: version.annotations,
  };
}
