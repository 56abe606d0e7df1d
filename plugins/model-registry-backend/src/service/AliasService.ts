import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  describeInvalidAlias,
  ModelAlias,
} from '@mlreg/plugin-model-registry-common';
import { RegistryStores } from '../database/RegistryDatabase';
import { Actor } from './Actor';
import { ModelService } from './ModelService';
import { recordChange } from './recordChange';

/** Domain rules for aliases, the promotion primitive. */
export class AliasService {
  constructor(
    private readonly db: RegistryStores,
    private readonly models: ModelService,
  ) {}

  async list(modelName: string): Promise<ModelAlias[]> {
    const model = await this.models.resolve(modelName);
    return this.db.read.aliases.list(model.id);
  }

  /** Points an alias at a READY version, creating or moving it. */
  async set(
    modelName: string,
    alias: string,
    version: number,
    actor: Actor,
  ): Promise<ModelAlias> {
    const invalid = describeInvalidAlias(alias);
    if (invalid) throw new InputError(invalid);
    const model = await this.models.resolve(modelName);
    await this.db.transaction(async stores => {
      const target = await stores.versions.get(model.id, version);
      if (!target) {
        throw new NotFoundError(
          `version ${version} of model "${modelName}" not found`,
        );
      }
      if (target.status !== 'READY') {
        throw new ConflictError(
          `version ${version} of model "${modelName}" is ${target.status}; aliases point at READY versions only`,
        );
      }
      const previous = await stores.aliases.get(model.id, alias);
      if (previous?.version === version) return;
      const now = new Date();
      await stores.aliases.set(model.id, alias, target.id, actor.ref, now);
      await recordChange(stores, actor, now, {
        action: 'alias.set',
        event: previous ? 'alias.moved' : 'alias.created',
        target: `model:${modelName}/aliases/${alias}`,
        model,
        version,
        before: previous
          ? { version: previous.version, by: previous.updatedBy }
          : undefined,
        after: { version },
        payload: {
          model: modelName,
          alias,
          version,
          previousVersion: previous?.version,
        },
      });
    });
    return (await this.db.read.aliases.get(model.id, alias))!;
  }

  async delete(modelName: string, alias: string, actor: Actor): Promise<void> {
    const model = await this.models.resolve(modelName);
    await this.db.transaction(async stores => {
      const previous = await stores.aliases.get(model.id, alias);
      if (!previous) {
        throw new NotFoundError(`model "${modelName}" has no alias "${alias}"`);
      }
      const now = new Date();
      await stores.aliases.delete(model.id, alias);
      await recordChange(stores, actor, now, {
        action: 'alias.delete',
        event: 'alias.deleted',
        target: `model:${modelName}/aliases/${alias}`,
        model,
        version: previous.version,
        before: { version: previous.version, by: previous.updatedBy },
        payload: { model: modelName, alias, previousVersion: previous.version },
      });
    });
  }
}
