import {
  Deployment,
  DeploymentStatus,
  ListDeploymentsQuery,
  ModelHealth,
} from '@mlreg/plugin-model-registry-common';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
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
  };

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
      createdAt: toIsoString(row.created_at),
      createdBy: row.created_by,
      updatedAt: toIsoString(row.updated_at),
    }));
  }
}
