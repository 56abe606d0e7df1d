import {
  Deployment,
  DeploymentStatus,
  ListDeploymentsQuery,
  ModelHealth,
} from '@mlreg/plugin-model-registry-common';
import { ModelDeploymentRevision } from '@mlreg/plugin-model-registry-node';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { GuardrailState } from '../deployment/analysis';
import { newestDeployments } from './newestOfModel';
import { groupBy, toIsoString } from './util';

type Timestamp = Date | string | number;

type DeploymentRow = {
  id: string;
  model_id: string;
  model_name: string;
  version: number;
  environment: string;
  target_cluster: string;
  target_namespace: string;
  target_kind: string;
  status: DeploymentStatus;
  replaced_version: number | null;
  created_at: Timestamp;
  created_by: string;
  updated_at: Timestamp;
  phase: RolloutPhase;
  trigger: DeploymentTrigger;
  alias: string | null;
  trigger_event_id: string | null;
  rollback_of: string | null;
  applied_revision: string | null;
  replaced_revision: string | null;
  restores_revision: string | null;
  canary: boolean | number;
  attempts: number;
  next_attempt_at: Timestamp | null;
  deadline_at: Timestamp | null;
  bake_until: Timestamp | null;
  analysis: string | null;
  url: string | null;
};

type StatusChangeRow = {
  deployment_id: string;
  status: DeploymentStatus;
  message: string | null;
  at: Timestamp;
};

/** What the deployer records when it starts a rollout. */
export type NewDeployment = Pick<
  Deployment,
  'version' | 'environment' | 'target'
> &
  Partial<Pick<Deployment, 'id' | 'status' | 'replacedVersion'>> & {
    /** The message of the first status. */
    message?: string;
    actor: string;
    /** How the deployer drives it; absent: a finished record. */
    rollout?: {
      phase: RolloutPhase;
      trigger: DeploymentTrigger;
      alias?: string;
      triggerEventId?: string;
      rollbackOf?: string;
      replaced?: ModelDeploymentRevision;
      /** For a rollback: the recorded revision it re-applies. */
      restores?: ModelDeploymentRevision;
    };
  };

/** Where a rollout is: the step the deployer takes next. */
export type RolloutPhase = 'apply' | 'rollback' | 'rollout' | 'bake' | 'done';

/** What started a deployment. */
export type DeploymentTrigger =
  | 'manual'
  | 'alias'
  | 'rollback'
  | 'auto-rollback';

/** What the deployer keeps about a rollout besides its public record. */
export interface RolloutFields {
  phase: RolloutPhase;
  applied: ModelDeploymentRevision | null;
  replaced: ModelDeploymentRevision | null;
  replacedVersion: number | null;
  canary: boolean;
  attempts: number;
  nextAttemptAt: Date | null;
  deadlineAt: Date | null;
  bakeUntil: Date | null;
  analysis: GuardrailState[] | null;
  url: string | null;
}

/** A deployment as the deployer drives it. */
export interface RolloutState {
  id: string;
  modelId: string;
  modelName: string;
  version: number;
  environment: string;
  status: DeploymentStatus;
  phase: RolloutPhase;
  trigger: DeploymentTrigger;
  alias?: string;
  rollbackOf?: string;
  applied?: ModelDeploymentRevision;
  replaced?: ModelDeploymentRevision;
  restores?: ModelDeploymentRevision;
  canary: boolean;
  attempts: number;
  nextAttemptAt?: Date;
  deadlineAt?: Date;
  bakeUntil?: Date;
  analysis?: GuardrailState[];
  url?: string;
  /** The message of the newest status change. */
  message?: string;
  createdAt: Date;
}

/** Whether an environment serves the version its followed alias names. */
export interface SyncEntry {
  modelId: string;
  modelName: string;
  environment: string;
  aliasVersion?: number;
  servedVersion?: number;
  inSync: boolean;
  message?: string;
}

/** A validated page request on the deployments of a model, newest first. */
export type DeploymentQuery = Pick<ListDeploymentsQuery, 'environment'> & {
  modelId: string;
  /** Keyset position: created_at and id of the last row seen. */
  after?: { createdAt: string; id: string };
  limit: number;
};

/** Deployments of model versions and their status history. */
export interface DeploymentStore {
  /**
   * Records a deployment with the first entry of its history (`pending`
   * unless the deployment says otherwise); returns its id, generated when
   * the deployment has none.
   */
  record(
    modelId: string,
    deployment: NewDeployment,
    now: Date,
  ): Promise<string>;
  /**
   * Appends a status to the history of a deployment and makes it the
   * current one. Resolves to false when there is no such deployment.
   */
  appendStatus(
    id: string,
    status: DeploymentStatus,
    now: Date,
    message?: string,
  ): Promise<boolean>;
  get(id: string): Promise<Deployment | undefined>;
  /** The deployments of a model, newest first. */
  list(query: DeploymentQuery): Promise<Deployment[]>;
  /** The newest deployment of each environment of a model, by environment. */
  latestPerEnvironment(modelId: string): Promise<Deployment[]>;
  /** The newest deployment of any environment, per model. */
  latestForModels(
    modelIds: string[],
  ): Promise<Map<string, NonNullable<ModelHealth['lastDeployment']>>>;
  /** A deployment with what the deployer keeps about it. */
  getRollout(id: string): Promise<RolloutState | undefined>;
  /** Deployments the deployer still drives, oldest first. */
  listActive(limit: number): Promise<RolloutState[]>;
  /** Changes what the deployer keeps about a deployment. */
  updateRollout(
    id: string,
    fields: Partial<RolloutFields>,
    now: Date,
  ): Promise<void>;
  /** The newest deployment of an environment that succeeded, except `exceptId`. */
  lastSucceeded(
    modelId: string,
    environment: string,
    exceptId?: string,
  ): Promise<RolloutState | undefined>;
  /** The newest deployment of a model in an environment. */
  newestInEnvironment(
    modelId: string,
    environment: string,
  ): Promise<RolloutState | undefined>;
  /** An unfinished deployment of the same model and environment started before `state`. */
  activeBefore(state: RolloutState): Promise<RolloutState | undefined>;
  /** Whether an outbox event already started a deployment of an environment. */
  findByTriggerEvent(
    eventId: string,
    environment: string,
  ): Promise<string | undefined>;
  /** Ids of the models with an unfinished deployment in an environment. */
  activeModels(environment: string): Promise<Set<string>>;
  /** Every model with the alias, and the version it names. */
  followedAliases(
    alias: string,
  ): Promise<Array<{ modelId: string; modelName: string; version: number }>>;
  /**
   * Replaces the sync state of an environment's models with `entries`;
   * returns the entries that were not out of sync before and are now.
   */
  putSync(
    environment: string,
    entries: SyncEntry[],
    now: Date,
  ): Promise<SyncEntry[]>;
  /** The sync state of a model's environments. */
  syncOf(modelId: string): Promise<Array<SyncEntry & { checkedAt: string }>>;
  /** The environments each model is out of sync in. */
  outOfSyncForModels(modelIds: string[]): Promise<Map<string, string[]>>;
}

/** JSON text of a value, or null. */
function json(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}

/** `{ [key]: parsed JSON }`, or nothing when the column is null. */
function parsed<K extends string>(
  key: K,
  text: string | null,
): Partial<Record<K, any>> {
  return text === null ? {} : ({ [key]: JSON.parse(text) } as Record<K, any>);
}

/** Deployments in the `deployments` and `deployment_status_changes` tables. */
export class DatabaseDeploymentStore implements DeploymentStore {
  constructor(private readonly db: Knex) {}

  async record(
    modelId: string,
    deployment: NewDeployment,
    now: Date,
  ): Promise<string> {
    const id = deployment.id ?? randomUUID();
    const status = deployment.status ?? 'pending';
    await this.db('deployments').insert({
      id,
      model_id: modelId,
      version: deployment.version,
      environment: deployment.environment,
      target_cluster: deployment.target.cluster,
      target_namespace: deployment.target.namespace,
      target_kind: deployment.target.kind,
      status,
      replaced_version: deployment.replacedVersion ?? null,
      created_at: now,
      created_by: deployment.actor,
      updated_at: now,
      ...(deployment.rollout
        ? {
            phase: deployment.rollout.phase,
            trigger: deployment.rollout.trigger,
            alias: deployment.rollout.alias ?? null,
            trigger_event_id: deployment.rollout.triggerEventId ?? null,
            rollback_of: deployment.rollout.rollbackOf ?? null,
            replaced_revision: json(deployment.rollout.replaced),
            restores_revision: json(deployment.rollout.restores),
          }
        : {}),
    });
    await this.insertChange(id, status, now, deployment.message);
    return id;
  }

  async appendStatus(
    id: string,
    status: DeploymentStatus,
    now: Date,
    message?: string,
  ): Promise<boolean> {
    const count = await this.db('deployments')
      .where({ id })
      .update({ status, updated_at: now });
    if (count !== 1) return false;
    await this.insertChange(id, status, now, message);
    return true;
  }

  async get(id: string): Promise<Deployment | undefined> {
    const rows = await this.select().where('deployments.id', id);
    return (await this.hydrate(rows))[0];
  }

  async list(query: DeploymentQuery): Promise<Deployment[]> {
    const q = this.select()
      .where('deployments.model_id', query.modelId)
      .orderBy([
        { column: 'deployments.created_at', order: 'desc' },
        { column: 'deployments.id', order: 'desc' },
      ])
      .limit(query.limit);
    if (query.environment)
      q.where('deployments.environment', query.environment);
    if (query.after) {
      q.whereRaw('(deployments.created_at, deployments.id) < (?, ?)', [
        new Date(query.after.createdAt),
        query.after.id,
      ]);
    }
    return this.hydrate(await q);
  }

  async latestPerEnvironment(modelId: string): Promise<Deployment[]> {
    const rows = await this.select()
      .where('deployments.model_id', modelId)
      .whereNotExists(
        this.db('deployments as newer')
          .select(this.db.raw('1'))
          .whereRaw('newer.model_id = deployments.model_id')
          .whereRaw('newer.environment = deployments.environment')
          .whereRaw(
            '(newer.created_at, newer.id) > (deployments.created_at, deployments.id)',
          ),
      )
      .orderBy('deployments.environment');
    return this.hydrate(rows);
  }

  /** One query for any number of models. */
  async latestForModels(
    modelIds: string[],
  ): Promise<Map<string, NonNullable<ModelHealth['lastDeployment']>>> {
    if (modelIds.length === 0) return new Map();
    const rows: Array<
      Pick<
        DeploymentRow,
        'model_id' | 'environment' | 'version' | 'status' | 'updated_at'
      >
    > = await newestDeployments(this.db, modelIds).select(
      'model_id',
      'environment',
      'version',
      'status',
      'updated_at',
    );
    return new Map(
      rows.map(row => [
        row.model_id,
        {
          environment: row.environment,
          version: Number(row.version),
          status: row.status,
          at: toIsoString(row.updated_at),
        },
      ]),
    );
  }

  async getRollout(id: string): Promise<RolloutState | undefined> {
    const [row] = await this.select().where('deployments.id', id);
    return row && (await this.toRollouts([row]))[0];
  }

  async listActive(limit: number): Promise<RolloutState[]> {
    const rows = await this.select()
      .whereNot('deployments.phase', 'done')
      .orderBy([
        { column: 'deployments.created_at', order: 'asc' },
        { column: 'deployments.id', order: 'asc' },
      ])
      .limit(limit);
    return this.toRollouts(rows);
  }

  async updateRollout(
    id: string,
    fields: Partial<RolloutFields>,
    now: Date,
  ): Promise<void> {
    const columns: Record<string, unknown> = { updated_at: now };
    const set = <K extends keyof RolloutFields>(
      key: K,
      column: string,
      convert: (value: RolloutFields[K]) => unknown = v => v,
    ) => {
      if (key in fields) columns[column] = convert(fields[key]!);
    };
    set('phase', 'phase');
    set('applied', 'applied_revision', json);
    set('replaced', 'replaced_revision', json);
    set('replacedVersion', 'replaced_version');
    set('canary', 'canary');
    set('attempts', 'attempts');
    set('nextAttemptAt', 'next_attempt_at');
    set('deadlineAt', 'deadline_at');
    set('bakeUntil', 'bake_until');
    set('analysis', 'analysis', json);
    set('url', 'url');
    await this.db('deployments').where({ id }).update(columns);
  }

  async lastSucceeded(
    modelId: string,
    environment: string,
    exceptId?: string,
  ): Promise<RolloutState | undefined> {
    const q = this.newestFirst(modelId, environment).where(
      'deployments.status',
      'succeeded',
    );
    if (exceptId) q.whereNot('deployments.id', exceptId);
    const [row] = await q.limit(1);
    return row && (await this.toRollouts([row]))[0];
  }

  async newestInEnvironment(
    modelId: string,
    environment: string,
  ): Promise<RolloutState | undefined> {
    const [row] = await this.newestFirst(modelId, environment).limit(1);
    return row && (await this.toRollouts([row]))[0];
  }

  async activeBefore(state: RolloutState): Promise<RolloutState | undefined> {
    const [row] = await this.newestFirst(state.modelId, state.environment)
      .whereNot('deployments.phase', 'done')
      .whereRaw('(deployments.created_at, deployments.id) < (?, ?)', [
        state.createdAt,
        state.id,
      ])
      .limit(1);
    return row && (await this.toRollouts([row]))[0];
  }

  async findByTriggerEvent(
    eventId: string,
    environment: string,
  ): Promise<string | undefined> {
    const row = await this.db('deployments')
      .where({ trigger_event_id: eventId, environment })
      .first('id');
    return row?.id;
  }

  async activeModels(environment: string): Promise<Set<string>> {
    const rows: Array<{ model_id: string }> = await this.db('deployments')
      .where('environment', environment)
      .whereNot('phase', 'done')
      .distinct('model_id');
    return new Set(rows.map(r => r.model_id));
  }

  async followedAliases(
    alias: string,
  ): Promise<Array<{ modelId: string; modelName: string; version: number }>> {
    const rows: Array<{ model_id: string; name: string; version: number }> =
      await this.db('model_aliases')
        .join('models', 'models.id', 'model_aliases.model_id')
        .join('model_versions', 'model_versions.id', 'model_aliases.version_id')
        .where('model_aliases.alias', alias)
        .select(
          'model_aliases.model_id',
          'models.name',
          'model_versions.version',
        );
    return rows.map(r => ({
      modelId: r.model_id,
      modelName: r.name,
      version: Number(r.version),
    }));
  }

  async putSync(
    environment: string,
    entries: SyncEntry[],
    now: Date,
  ): Promise<SyncEntry[]> {
    const before: Array<{ model_id: string; in_sync: boolean | number }> =
      await this.db('deployment_sync')
        .where({ environment })
        .select('model_id', 'in_sync');
    const wasOut = new Set(before.filter(r => !r.in_sync).map(r => r.model_id));
    await this.db('deployment_sync')
      .where({ environment })
      .whereNotIn(
        'model_id',
        entries.map(e => e.modelId),
      )
      .delete();
    for (let i = 0; i < entries.length; i += 200) {
      await this.db('deployment_sync')
        .insert(
          entries.slice(i, i + 200).map(e => ({
            model_id: e.modelId,
            environment,
            alias_version: e.aliasVersion ?? null,
            served_version: e.servedVersion ?? null,
            in_sync: e.inSync,
            message: e.message ?? null,
            checked_at: now,
          })),
        )
        .onConflict(['model_id', 'environment'])
        .merge();
    }
    return entries.filter(e => !e.inSync && !wasOut.has(e.modelId));
  }

  async syncOf(
    modelId: string,
  ): Promise<Array<SyncEntry & { checkedAt: string }>> {
    const rows = await this.db('deployment_sync')
      .join('models', 'models.id', 'deployment_sync.model_id')
      .where('deployment_sync.model_id', modelId)
      .select('deployment_sync.*', 'models.name as model_name')
      .orderBy('deployment_sync.environment');
    return rows.map(r => ({
      modelId: r.model_id,
      modelName: r.model_name,
      environment: r.environment,
      ...(r.alias_version === null
        ? {}
        : { aliasVersion: Number(r.alias_version) }),
      ...(r.served_version === null
        ? {}
        : { servedVersion: Number(r.served_version) }),
      inSync: Boolean(r.in_sync),
      ...(r.message === null ? {} : { message: r.message }),
      checkedAt: toIsoString(r.checked_at),
    }));
  }

  async outOfSyncForModels(modelIds: string[]): Promise<Map<string, string[]>> {
    if (modelIds.length === 0) return new Map();
    const rows: Array<{ model_id: string; environment: string }> =
      await this.db('deployment_sync')
        .whereIn('model_id', modelIds)
        .where('in_sync', false)
        .select('model_id', 'environment')
        .orderBy('environment');
    const result = new Map<string, string[]>();
    for (const row of rows) {
      result.set(row.model_id, [
        ...(result.get(row.model_id) ?? []),
        row.environment,
      ]);
    }
    return result;
  }

  private newestFirst(modelId: string, environment: string) {
    return this.select()
      .where('deployments.model_id', modelId)
      .where('deployments.environment', environment)
      .orderBy([
        { column: 'deployments.created_at', order: 'desc' },
        { column: 'deployments.id', order: 'desc' },
      ]);
  }

  /** Adds the newest status message: one query for all rows. */
  private async toRollouts(rows: DeploymentRow[]): Promise<RolloutState[]> {
    if (rows.length === 0) return [];
    const messages: Array<{ deployment_id: string; message: string | null }> =
      await this.db('deployment_status_changes as c')
        .whereIn(
          'c.deployment_id',
          rows.map(r => r.id),
        )
        .whereNotExists(
          this.db('deployment_status_changes as later')
            .select(this.db.raw('1'))
            .whereRaw('later.deployment_id = c.deployment_id')
            .whereRaw('later.id > c.id'),
        )
        .select('c.deployment_id', 'c.message');
    const messageOf = new Map(messages.map(m => [m.deployment_id, m.message]));
    const date = (value: Timestamp | null) =>
      value === null ? undefined : new Date(toIsoString(value));
    return rows.map(row => ({
      id: row.id,
      modelId: row.model_id,
      modelName: row.model_name,
      version: Number(row.version),
      environment: row.environment,
      status: row.status,
      phase: row.phase,
      trigger: row.trigger,
      ...(row.alias ? { alias: row.alias } : {}),
      ...(row.rollback_of ? { rollbackOf: row.rollback_of } : {}),
      ...parsed('applied', row.applied_revision),
      ...parsed('replaced', row.replaced_revision),
      ...parsed('restores', row.restores_revision),
      ...parsed('analysis', row.analysis),
      canary: Boolean(row.canary),
      attempts: Number(row.attempts),
      nextAttemptAt: date(row.next_attempt_at),
      deadlineAt: date(row.deadline_at),
      bakeUntil: date(row.bake_until),
      ...(row.url ? { url: row.url } : {}),
      ...(messageOf.get(row.id) ? { message: messageOf.get(row.id)! } : {}),
      createdAt: new Date(toIsoString(row.created_at)),
    }));
  }

  private async insertChange(
    deploymentId: string,
    status: DeploymentStatus,
    at: Date,
    message?: string,
  ): Promise<void> {
    await this.db('deployment_status_changes').insert({
      deployment_id: deploymentId,
      status,
      message: message ?? null,
      at,
    });
  }

  private select(): Knex.QueryBuilder<any, DeploymentRow[]> {
    return this.db('deployments')
      .join('models', 'models.id', 'deployments.model_id')
      .select('deployments.*', 'models.name as model_name');
  }

  /** Adds the status history: one query for the whole page. */
  private async hydrate(rows: DeploymentRow[]): Promise<Deployment[]> {
    if (rows.length === 0) return [];
    const changes: StatusChangeRow[] = await this.db(
      'deployment_status_changes',
    )
      .whereIn(
        'deployment_id',
        rows.map(r => r.id),
      )
      .orderBy('id');
    const history = groupBy(changes, c => c.deployment_id);
    return rows.map(row => ({
      id: row.id,
      model: row.model_name,
      version: Number(row.version),
      environment: row.environment,
      target: {
        cluster: row.target_cluster,
        namespace: row.target_namespace,
        kind: row.target_kind,
      },
      status: row.status,
      ...(row.replaced_version === null
        ? {}
        : { replacedVersion: Number(row.replaced_version) }),
      history: (history.get(row.id) ?? []).map(c => ({
        status: c.status,
        at: toIsoString(c.at),
        ...(c.message === null ? {} : { message: c.message }),
      })),
      trigger: row.trigger,
      ...(row.rollback_of ? { rollbackOf: row.rollback_of } : {}),
      ...(row.url ? { url: row.url } : {}),
      ...(row.analysis
        ? {
            guardrails: (JSON.parse(row.analysis) as GuardrailState[]).map(
              g => ({
                name: g.name,
                phase: g.phase,
                successful: g.successful,
                failed: g.failed,
                inconclusive: g.inconclusive,
                errors: g.errors,
              }),
            ),
          }
        : {}),
      createdAt: toIsoString(row.created_at),
      createdBy: row.created_by,
      updatedAt: toIsoString(row.updated_at),
    }));
  }
}
