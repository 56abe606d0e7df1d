import { ModelAlias } from '@mlreg/plugin-model-registry-common';
import { Knex } from 'knex';
import { toIsoString } from './util';

/** The aliases of models: one per model and alias name. */
export interface AliasStore {
  /** The aliases of a model, by name. */
  list(modelId: string): Promise<ModelAlias[]>;
  get(modelId: string, alias: string): Promise<ModelAlias | undefined>;
  /** Points the alias at a version, creating it when new. */
  set(
    modelId: string,
    alias: string,
    versionId: string,
    actor: string,
    now: Date,
  ): Promise<void>;
  delete(modelId: string, alias: string): Promise<void>;
}

/** Aliases in the `model_aliases` table. */
export class DatabaseAliasStore implements AliasStore {
  constructor(private readonly db: Knex) {}

  async list(modelId: string): Promise<ModelAlias[]> {
    const rows = await this.select(modelId).orderBy('model_aliases.alias');
    return rows.map(toAlias);
  }

  async get(modelId: string, alias: string): Promise<ModelAlias | undefined> {
    const [found] = await this.select(modelId).where(
      'model_aliases.alias',
      alias,
    );
    return found && toAlias(found);
  }

  async set(
    modelId: string,
    alias: string,
    versionId: string,
    actor: string,
    now: Date,
  ): Promise<void> {
    await this.db('model_aliases')
      .insert({
        model_id: modelId,
        alias,
        version_id: versionId,
        updated_at: now,
        updated_by: actor,
      })
      .onConflict(['model_id', 'alias'])
      .merge(['version_id', 'updated_at', 'updated_by']);
  }

  async delete(modelId: string, alias: string): Promise<void> {
    await this.db('model_aliases').where({ model_id: modelId, alias }).delete();
  }

  private select(modelId: string): Knex.QueryBuilder<any, AliasRow[]> {
    return this.db('model_aliases')
      .join('model_versions', 'model_versions.id', 'model_aliases.version_id')
      .where('model_aliases.model_id', modelId)
      .select(
        'model_aliases.alias',
        'model_versions.version',
        'model_aliases.updated_at',
        'model_aliases.updated_by',
      );
  }
}

type AliasRow = {
  alias: string;
  version: number;
  updated_at: Date | string | number;
  updated_by: string;
};

function toAlias(row: AliasRow): ModelAlias {
  return {
    alias: row.alias,
    version: Number(row.version),
    updatedAt: toIsoString(row.updated_at),
    updatedBy: row.updated_by,
  };
}
