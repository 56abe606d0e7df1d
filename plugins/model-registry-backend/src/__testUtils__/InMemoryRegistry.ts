import { VersionRunStore } from '../database/VersionRunStore';
import {
  AuditRecord,
  Kpi,
  ModelAlias,
  UpdateModelRequest,
  UpdateVersionRequest,
} from '@mlreg/plugin-model-registry-common';
import { AliasStore } from '../database/AliasStore';
import {
  AuditEntry,
  AuditRecordQuery,
  AuditStore,
} from '../database/AuditStore';
import { DeploymentStore } from '../database/DeploymentStore';
import { DriftStore } from '../database/DriftStore';
import { KpiStore, NewKpi } from '../database/KpiStore';
import {
  ModelRef,
  ModelStore,
  NewModel,
  StoredModel,
} from '../database/ModelStore';
import { OutboxStore } from '../database/OutboxStore';
import { RegistryStores, Stores } from '../database/RegistryDatabase';
import {
  NewVersion,
  StoredVersion,
  VersionOutcome,
  VersionStore,
} from '../database/VersionStore';

/** An outbox event as a service enqueues it. */
export interface EnqueuedEvent {
  type: string;
  model?: string;
  payload: Record<string, unknown>;
  createdAt: string;
}

/** Everything the in-memory stores hold: plain data, so a transaction can snapshot it. */
interface State {
  models: Array<
    Omit<StoredModel, 'aliases' | 'latestVersion'> & { lastVersion: number }
  >;
  versions: Array<Omit<StoredVersion, 'aliases'>>;
  aliases: Array<
    { modelId: string; versionId: string } & Omit<ModelAlias, 'version'>
  >;
  kpis: Array<
    { id: number; modelId: string; versionId?: string } & Omit<Kpi, 'version'>
  >;
  audit: Array<AuditRecord & { modelId?: string }>;
  events: EnqueuedEvent[];
}

function notInMemory(method: string): never {
  throw new Error(`${method} is not kept in memory; test it on a database`);
}

function versionNumber(state: State, versionId: string): number {
  const version = state.versions.find(v => v.id === versionId);
  if (!version) throw new Error(`no version ${versionId}`);
  return version.version;
}

class InMemoryModelStore implements ModelStore {
  constructor(private readonly state: State) {}

  async insert(id: string, model: NewModel, now: Date): Promise<void> {
    this.state.models.push({
      id,
      name: model.name,
      owner: model.owner,
      description: model.description,
      task: model.task,
      framework: model.framework,
      tags: [...model.tags].sort(),
      links: model.links,
      annotations: model.annotations ?? {},
      archived: false,
      keyMetric: model.keyMetric,
      lastVersion: 0,
      createdAt: now.toISOString(),
      createdBy: model.actor,
      updatedAt: now.toISOString(),
      updatedBy: model.actor,
    });
  }

  async update(
    id: string,
    changes: UpdateModelRequest,
    actor: string,
    now: Date,
  ): Promise<void> {
    const model = this.row(id);
    const { task, framework, keyMetric, tags, ...fields } = changes;
    Object.assign(model, fields, {
      updatedAt: now.toISOString(),
      updatedBy: actor,
    });
    // null clears a field.
    if (task !== undefined) model.task = task ?? undefined;
    if (framework !== undefined) model.framework = framework ?? undefined;
    if (keyMetric !== undefined) model.keyMetric = keyMetric ?? undefined;
    if (tags !== undefined) model.tags = [...tags].sort();
  }

  async setArchived(
    id: string,
    archivedAt: Date | null,
    actor: string,
    now: Date,
  ): Promise<void> {
    Object.assign(this.row(id), {
      archived: archivedAt !== null,
      updatedAt: now.toISOString(),
      updatedBy: actor,
    });
  }

  async delete(id: string): Promise<void> {
    this.state.models = this.state.models.filter(m => m.id !== id);
  }

  async rename(
    id: string,
    name: string,
    actor: string,
    now: Date,
  ): Promise<void> {
    Object.assign(this.row(id), {
      name,
      updatedAt: now.toISOString(),
      updatedBy: actor,
    });
  }

  async nextVersionNumber(id: string): Promise<number | undefined> {
    const model = this.state.models.find(m => m.id === id);
    return model ? (model.lastVersion += 1) : undefined;
  }

  async lock(id: string): Promise<boolean> {
    return this.state.models.some(m => m.id === id);
  }

  async getRef(name: string): Promise<ModelRef | undefined> {
    const model = this.state.models.find(m => m.name === name);
    return (
      model && { id: model.id, name: model.name, archived: model.archived }
    );
  }

  async getByName(name: string): Promise<StoredModel | undefined> {
    return (await this.getByNames([name]))[0];
  }

  async getByNames(names: string[]): Promise<StoredModel[]> {
    return this.state.models
      .filter(m => names.includes(m.name))
      .map(({ lastVersion, ...model }) => ({
        ...model,
        ...(lastVersion > 0 ? { latestVersion: lastVersion } : {}),
        aliases: Object.fromEntries(
          this.state.aliases
            .filter(a => a.modelId === model.id)
            .sort((a, b) => a.alias.localeCompare(b.alias))
            .map(a => [a.alias, versionNumber(this.state, a.versionId)]),
        ),
      }));
  }

  list(): never {
    return notInMemory('ModelStore.list');
  }

  summary(): never {
    return notInMemory('ModelStore.summary');
  }

  ownerCounts(): never {
    return notInMemory('ModelStore.ownerCounts');
  }

  private row(id: string) {
    const model = this.state.models.find(m => m.id === id);
    if (!model) throw new Error(`no model ${id}`);
    return model;
  }
}

class InMemoryVersionStore implements VersionStore {
  constructor(private readonly state: State) {}

  async insert(version: NewVersion, now: Date): Promise<void> {
    const model = this.state.models.find(m => m.id === version.modelId);
    if (!model) throw new Error(`no model ${version.modelId}`);
    const parent = version.parentVersionId
      ? this.state.versions.find(v => v.id === version.parentVersionId)
      : undefined;
    this.state.versions.push({
      id: version.id,
      modelId: version.modelId,
      artifactKey: version.artifactKey,
      model: model.name,
      version: version.version,
      status: version.status,
      description: version.description,
      source: version.source,
      artifact: version.artifactUri
        ? {
            location: 'external',
            uri: version.artifactUri,
            sha256: version.artifactSha256,
            size: version.artifactSize,
            format: version.artifactFormat,
          }
        : undefined,
      parameters: version.parameters,
      metrics: version.metrics,
      datasets: version.datasets,
      tags: [...version.tags].sort(),
      modelCard: version.modelCard,
      annotations: version.annotations,
      parent:
        parent && version.parentRelation
          ? {
              model: parent.model,
              version: parent.version,
              relation: version.parentRelation,
            }
          : undefined,
      createdAt: now.toISOString(),
      createdBy: version.actor,
      updatedAt: now.toISOString(),
      updatedBy: version.actor,
    });
  }

  async update(
    id: string,
    changes: UpdateVersionRequest,
    actor: string,
    now: Date,
  ): Promise<void> {
    Object.assign(this.row(id), changes, {
      ...(changes.tags ? { tags: [...changes.tags].sort() } : {}),
      updatedAt: now.toISOString(),
      updatedBy: actor,
    });
  }

  async settle(
    id: string,
    outcome: VersionOutcome,
    actor: string,
    now: Date,
  ): Promise<boolean> {
    const version = this.row(id);
    if (version.status !== 'PENDING') return false;
    Object.assign(
      version,
      outcome.status === 'READY'
        ? {
            status: 'READY',
            artifactKey: outcome.artifactKey,
            artifact: {
              location: 'registry',
              sha256: outcome.sha256,
              size: outcome.size,
              format: version.artifact?.format,
            },
          }
        : { status: 'FAILED', failureReason: outcome.reason },
      { updatedAt: now.toISOString(), updatedBy: actor },
    );
    return true;
  }

  async get(
    modelId: string,
    version: number,
  ): Promise<StoredVersion | undefined> {
    return this.find(v => v.modelId === modelId && v.version === version)[0];
  }

  async getByAlias(
    modelName: string,
    alias: string,
  ): Promise<StoredVersion | undefined> {
    const model = this.state.models.find(m => m.name === modelName);
    const pointer = this.state.aliases.find(
      a => a.modelId === model?.id && a.alias === alias,
    );
    return pointer && this.getById(pointer.versionId);
  }

  async getById(id: string): Promise<StoredVersion | undefined> {
    return this.find(v => v.id === id)[0];
  }

  async getMany(modelId: string, versions: number[]): Promise<StoredVersion[]> {
    return this.find(
      v => v.modelId === modelId && versions.includes(v.version),
    ).sort((a, b) => a.version - b.version);
  }

  async countForModel(modelId: string): Promise<number> {
    return this.find(v => v.modelId === modelId).length;
  }

  async children(versionIds: string[]): Promise<StoredVersion[]> {
    const parents = this.find(v => versionIds.includes(v.id));
    return this.find(v =>
      parents.some(
        p => v.parent?.model === p.model && v.parent.version === p.version,
      ),
    );
  }

  listWithin(): never {
    return notInMemory('VersionStore.listWithin');
  }

  lineageOf(): never {
    return notInMemory('VersionStore.lineageOf');
  }

  lineageChildren(): never {
    return notInMemory('VersionStore.lineageChildren');
  }

  metricSeries(): never {
    return notInMemory('VersionStore.metricSeries');
  }

  list(): never {
    return notInMemory('VersionStore.list');
  }

  async isArtifactReferenced(artifactKey: string): Promise<boolean> {
    return this.state.versions.some(v => v.artifactKey === artifactKey);
  }

  async storedArtifactBytes(modelId: string): Promise<number> {
    return this.find(v => v.modelId === modelId && v.artifactKey !== undefined)
      .map(v => v.artifact?.size ?? 0)
      .reduce((sum, size) => sum + size, 0);
  }

  async listPendingBefore(
    createdBefore: Date,
    limit: number,
  ): Promise<StoredVersion[]> {
    return this.find(
      v =>
        v.status === 'PENDING' &&
        new Date(v.createdAt).getTime() < createdBefore.getTime(),
    )
      .sort((x, y) => x.createdAt.localeCompare(y.createdAt))
      .slice(0, limit);
  }

  private row(id: string) {
    const version = this.state.versions.find(v => v.id === id);
    if (!version) throw new Error(`no version ${id}`);
    return version;
  }

  /** Copies, with the aliases that point at each version. */
  private find(
    predicate: (version: State['versions'][number]) => boolean,
  ): StoredVersion[] {
    return this.state.versions.filter(predicate).map(version => ({
      ...structuredClone(version),
      aliases: this.state.aliases
        .filter(a => a.versionId === version.id)
        .map(a => a.alias)
        .sort(),
    }));
  }
}

class InMemoryAliasStore implements AliasStore {
  constructor(private readonly state: State) {}

  async list(modelId: string): Promise<ModelAlias[]> {
    return this.state.aliases
      .filter(a => a.modelId === modelId)
      .sort((a, b) => a.alias.localeCompare(b.alias))
      .map(a => this.toAlias(a));
  }

  async get(modelId: string, alias: string): Promise<ModelAlias | undefined> {
    return (await this.list(modelId)).find(a => a.alias === alias);
  }

  async set(
    modelId: string,
    alias: string,
    versionId: string,
    actor: string,
    now: Date,
  ): Promise<void> {
    await this.delete(modelId, alias);
    this.state.aliases.push({
      modelId,
      alias,
      versionId,
      updatedAt: now.toISOString(),
      updatedBy: actor,
    });
  }

  async delete(modelId: string, alias: string): Promise<void> {
    this.state.aliases = this.state.aliases.filter(
      a => !(a.modelId === modelId && a.alias === alias),
    );
  }

  private toAlias({
    modelId: _modelId,
    versionId,
    ...alias
  }: State['aliases'][number]): ModelAlias {
    return { ...alias, version: versionNumber(this.state, versionId) };
  }
}

class InMemoryKpiStore implements KpiStore {
  constructor(private readonly state: State) {}

  async record(
    modelId: string,
    { versionId, ...kpi }: NewKpi,
    actor: string,
    now: Date,
  ): Promise<void> {
    this.state.kpis.push({
      id: this.state.kpis.length + 1,
      modelId,
      versionId,
      ...kpi,
      updatedAt: now.toISOString(),
      updatedBy: actor,
    });
  }

  async current(modelId: string): Promise<Kpi[]> {
    const newest = new Map<string, State['kpis'][number]>();
    for (const kpi of this.state.kpis.filter(k => k.modelId === modelId)) {
      newest.set(`${kpi.name}\u0000${kpi.versionId}`, kpi);
    }
    return [...newest.values()]
      .sort((a, b) => a.name.localeCompare(b.name) || a.id - b.id)
      .map(k => this.toKpi(k));
  }

  async history(modelId: string, name: string, limit: number): Promise<Kpi[]> {
    return this.state.kpis
      .filter(k => k.modelId === modelId && k.name === name)
      .reverse()
      .slice(0, limit)
      .map(k => this.toKpi(k));
  }

  private toKpi({
    id: _id,
    modelId: _modelId,
    versionId,
    ...kpi
  }: State['kpis'][number]): Kpi {
    return versionId
      ? { ...kpi, version: versionNumber(this.state, versionId) }
      : kpi;
  }
}

class InMemoryAuditStore implements AuditStore {
  constructor(private readonly state: State) {}

  async append(entry: AuditEntry, now: Date): Promise<void> {
    const { modelName, ...fields } = entry;
    this.state.audit.push({
      id: String(this.state.audit.length + 1),
      ...fields,
      model: modelName,
      createdAt: now.toISOString(),
    });
  }

  async renameModel(modelId: string, name: string): Promise<void> {
    for (const record of this.state.audit) {
      if (record.modelId === modelId) record.model = name;
    }
  }

  async list(query: AuditRecordQuery): Promise<AuditRecord[]> {
    return this.state.audit
      .filter(
        r =>
          r.model === query.modelName &&
          (query.version === undefined || r.version === query.version) &&
          (!query.action || r.action === query.action) &&
          (!query.actor || r.actor === query.actor) &&
          (query.beforeId === undefined || Number(r.id) < query.beforeId),
      )
      .reverse()
      .slice(0, query.limit)
      .map(({ modelId: _modelId, ...record }) => record);
  }
}

class InMemoryOutbox implements Pick<OutboxStore, 'enqueue'> {
  constructor(private readonly state: State) {}

  async enqueue(
    event: Omit<EnqueuedEvent, 'createdAt'>,
    now: Date,
  ): Promise<void> {
    this.state.events.push({ ...event, createdAt: now.toISOString() });
  }
}

const withoutDeployments: DeploymentStore = {
  record: () => notInMemory('DeploymentStore.record'),
  appendStatus: () => notInMemory('DeploymentStore.appendStatus'),
  get: async () => undefined,
  list: async () => [],
  latestPerEnvironment: async () => [],
  latestForModels: async () => new Map(),
  getRollout: async () => undefined,
  listActive: async () => [],
  updateRollout: () => notInMemory('DeploymentStore.updateRollout'),
  lastSucceeded: async () => undefined,
  newestInEnvironment: async () => undefined,
  activeBefore: async () => undefined,
  findByTriggerEvent: async () => undefined,
  activeModels: async () => new Set(),
  followedAliases: async () => [],
  putSync: () => notInMemory('DeploymentStore.putSync'),
  syncOf: async () => [],
  outOfSyncForModels: async () => new Map(),
};

const withoutVersionRuns: VersionRunStore = {
  get: async () => undefined,
  put: () => notInMemory('VersionRunStore.put'),
  listForVersions: async () => new Map(),
};

const withoutDriftReports: DriftStore = {
  recordReport: () => notInMemory('DriftStore.recordReport'),
  listReports: async () => [],
  latestForModels: async () => new Map(),
  putReferenceProfile: () => notInMemory('DriftStore.putReferenceProfile'),
  getReferenceProfile: async () => undefined,
  recordBatch: () => notInMemory('DriftStore.recordBatch'),
  listBatches: async () => [],
  batchScopes: async () => [],
};

/**
 * The registry's stores in memory, for unit tests of services: the rules of
 * a service read better against plain data than against SQL. Transactions
 * roll back on error like the database's. What only SQL answers well (the
 * model and version searches, portfolio figures) is not kept in memory;
 * those run against a database, and neither are deployments and drift
 * reports: this registry has none.
 */
export class InMemoryRegistry implements RegistryStores {
  readonly read: Stores;
  private readonly state: State = {
    models: [],
    versions: [],
    aliases: [],
    kpis: [],
    audit: [],
    events: [],
  };

  constructor() {
    this.read = {
      models: new InMemoryModelStore(this.state),
      versions: new InMemoryVersionStore(this.state),
      aliases: new InMemoryAliasStore(this.state),
      kpis: new InMemoryKpiStore(this.state),
      audit: new InMemoryAuditStore(this.state),
      // Services only enqueue; delivering is the dispatcher's, which runs
      // against a database.
      outbox: new InMemoryOutbox(this.state) as unknown as OutboxStore,
      deployments: withoutDeployments,
      drift: withoutDriftReports,
      versionRuns: withoutVersionRuns,
    };
  }

  /** The outbox events enqueued so far, oldest first. */
  get events(): EnqueuedEvent[] {
    return this.state.events;
  }

  /** The audit records written so far, oldest first. */
  get auditRecords(): AuditRecord[] {
    return this.state.audit.map(({ modelId: _modelId, ...record }) => record);
  }

  async transaction<T>(fn: (stores: Stores) => Promise<T>): Promise<T> {
    const before = structuredClone(this.state);
    try {
      return await fn(this.read);
    } catch (error) {
      Object.assign(this.state, before);
      throw error;
    }
  }
}
