import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  CreateModelRequest,
  describeInvalidModelName,
  Model,
  ModelHealth,
  Page,
  UpdateModelRequest,
} from '@mlreg/plugin-model-registry-common';
import { randomUUID } from 'node:crypto';
import { ModelQuery, ModelRef, StoredModel } from '../database/ModelStore';
import { RegistryStores, Stores } from '../database/RegistryDatabase';
import { isUniqueViolation } from '../database/util';
import { Actor } from './Actor';
import { isText, isTimestamp, readPage } from './cursor';
import { recordChange } from './recordChange';

/** A stored model with its health, as the registry shows it. */
export type ModelWithHealth = StoredModel & { health: ModelHealth };

/**
 * Strips the internal id from a model. A model loaded without its health,
 * as for permission checks (no rule looks at health), shows none.
 */
export function publicModel({
  id: _id,
  health = {},
  ...model
}: StoredModel & { health?: ModelHealth }): Model {
  return { ...model, health };
}

/**
 * A model as the audit trail records it: its own fields, without what is
 * derived from versions, deployments and drift reports.
 */
function auditedModel(model: StoredModel & { health?: ModelHealth }) {
  const {
    id: _id,
    health: _health,
    keyMetricValue: _keyMetricValue,
    ...fields
  } = model;
  return fields;
}

/**
 * Adds each model's health: its newest drift report and deployment, read
 * from their stores in one query each, whatever the number of models.
 */
async function withHealth(
  stores: Pick<Stores, 'drift' | 'deployments'>,
  models: StoredModel[],
): Promise<ModelWithHealth[]> {
  if (models.length === 0) return [];
  const ids = models.map(m => m.id);
  // Sequential on purpose: inside a transaction all queries share one
  // connection, which must not run two queries at once.
  const drift = await stores.drift.latestForModels(ids);
  const deployments = await stores.deployments.latestForModels(ids);
  const outOfSync = await stores.deployments.outOfSyncForModels(ids);
  return models.map(model => {
    const driftHealth = drift.get(model.id);
    const lastDeployment = deployments.get(model.id);
    const unsynced = outOfSync.get(model.id);
    return {
      ...model,
      health: {
        ...(driftHealth ? { drift: driftHealth } : {}),
        ...(lastDeployment ? { lastDeployment } : {}),
        ...(unsynced ? { outOfSync: unsynced } : {}),
      },
    };
  });
}

/** Domain rules for models: naming, uniqueness, archiving, deletion. */
export class ModelService {
  constructor(private readonly db: RegistryStores) {}

  async create(request: CreateModelRequest, actor: Actor): Promise<Model> {
    const invalid = describeInvalidModelName(request.name);
    if (invalid) throw new InputError(invalid);
    const id = randomUUID();
    const now = new Date();
    try {
      await this.db.transaction(async stores => {
        await stores.models.insert(
          id,
          {
            name: request.name,
            owner: request.owner,
            description: request.description ?? '',
            task: request.task,
            framework: request.framework,
            tags: [...new Set(request.tags ?? [])],
            links: request.links ?? {},
            annotations: request.annotations ?? {},
            keyMetric: request.keyMetric,
            actor: actor.ref,
          },
          now,
        );
        const [created] = await withHealth(stores, [
          (await stores.models.getByName(request.name))!,
        ]);
        await recordChange(stores, actor, now, {
          action: 'model.create',
          event: 'model.created',
          target: `model:${request.name}`,
          model: created,
          after: auditedModel(created),
          payload: { model: publicModel(created) },
        });
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new ConflictError(`model "${request.name}" already exists`);
      }
      throw error;
    }
    return this.get(request.name);
  }

  /** The id and state of a model, for the services of its versions, aliases and KPIs. */
  async resolve(name: string): Promise<ModelRef> {
    const model = await this.db.read.models.getRef(name);
    if (!model) throw new NotFoundError(`model "${name}" not found`);
    return model;
  }

  async getStored(name: string): Promise<ModelWithHealth> {
    const model = await this.db.read.models.getByName(name);
    if (!model) throw new NotFoundError(`model "${name}" not found`);
    return (await withHealth(this.db.read, [model]))[0];
  }

  async get(name: string): Promise<Model> {
    return publicModel(await this.getStored(name));
  }

  async list(
    query: Omit<ModelQuery, 'after' | 'limit'> & {
      limit: number;
      cursor?: string;
    },
  ): Promise<Page<Model>> {
    const { cursor, ...rest } = query;
    const page = await readPage({
      cursor,
      limit: query.limit,
      // The sort value is the name or an ISO timestamp, as `position`
      // writes it; a value of another type or sort is forged.
      accept: c =>
        isText(c.name) &&
        (query.sort === 'name' ? isText(c.value) : isTimestamp(c.value))
          ? { value: c.value as string, name: c.name }
          : undefined,
      read: (after, limit) =>
        this.db.read.models.list({ ...rest, after, limit }),
      position: last => ({
        value: query.sort === 'name' ? last.name : last[query.sort],
        name: last.name,
      }),
    });
    const items = await withHealth(this.db.read, page.items);
    return { ...page, items: items.map(publicModel) };
  }

  async update(
    name: string,
    changes: UpdateModelRequest,
    actor: Actor,
  ): Promise<Model> {
    await this.db.transaction(async stores => {
      const before = await this.requireModel(
        stores.models.getByName(name),
        name,
      );
      const now = new Date();
      await stores.models.update(before.id, changes, actor.ref, now);
      const [after] = await withHealth(stores, [
        (await stores.models.getByName(name))!,
      ]);
      await recordChange(stores, actor, now, {
        action: 'model.update',
        event: 'model.updated',
        target: `model:${name}`,
        model: before,
        before: auditedModel(before),
        after: auditedModel(after),
        payload: { model: publicModel(after) },
      });
    });
    return this.get(name);
  }

  /**
   * Renames a model. Versions, aliases and the rest refer to its id and
   * follow it; its audit trail is filed under the new name.
   */
  async rename(name: string, newName: string, actor: Actor): Promise<Model> {
    const invalid = describeInvalidModelName(newName);
    if (invalid) throw new InputError(invalid);
    try {
      await this.db.transaction(async stores => {
        const model = await this.requireModel(
          stores.models.getByName(name),
          name,
        );
        if (name === newName) return;
        const now = new Date();
        await stores.models.rename(model.id, newName, actor.ref, now);
        await stores.audit.renameModel(model.id, newName);
        await recordChange(stores, actor, now, {
          action: 'model.rename',
          event: 'model.renamed',
          target: `model:${newName}`,
          model: { id: model.id, name: newName },
          before: { name },
          after: { name: newName },
          payload: { model: newName, previousName: name },
        });
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new ConflictError(`model "${newName}" already exists`);
      }
      throw error;
    }
    return this.get(newName);
  }

  async setArchived(
    name: string,
    archived: boolean,
    actor: Actor,
  ): Promise<Model> {
    await this.db.transaction(async stores => {
      const model = await this.requireModel(
        stores.models.getByName(name),
        name,
      );
      if (model.archived === archived) return;
      const now = new Date();
      await stores.models.setArchived(
        model.id,
        archived ? now : null,
        actor.ref,
        now,
      );
      await recordChange(stores, actor, now, {
        action: archived ? 'model.archive' : 'model.restore',
        event: archived ? 'model.archived' : 'model.restored',
        target: `model:${name}`,
        model,
        before: { archived: model.archived },
        after: { archived },
        payload: { model: name },
      });
    });
    return this.get(name);
  }

  /** Deletes a model for good; only a model without versions can go. */
  async delete(name: string, actor: Actor): Promise<void> {
    await this.db.transaction(async stores => {
      const model = await this.requireModel(
        stores.models.getByName(name),
        name,
      );
      // The row lock a registration takes too: a version registered in
      // between is counted below, or waits and then finds the model gone.
      if (!(await stores.models.lock(model.id))) {
        throw new NotFoundError(`model "${name}" not found`);
      }
      const versions = await stores.versions.countForModel(model.id);
      if (versions > 0) {
        throw new ConflictError(
          `model "${name}" has ${versions} version(s); archive it instead, only an empty model can be deleted`,
        );
      }
      const now = new Date();
      await recordChange(stores, actor, now, {
        action: 'model.delete',
        event: 'model.deleted',
        target: `model:${name}`,
        model,
        before: auditedModel(model),
        payload: { model: name },
      });
      await stores.models.delete(model.id);
    });
  }

  private async requireModel(
    found: Promise<StoredModel | undefined>,
    name: string,
  ): Promise<StoredModel> {
    const model = await found;
    if (!model) throw new NotFoundError(`model "${name}" not found`);
    return model;
  }
}
