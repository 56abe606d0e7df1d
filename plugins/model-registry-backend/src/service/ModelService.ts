import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  CreateModelRequest,
  describeInvalidModelName,
  Model,
  Page,
} from '@mlreg/plugin-model-registry-common';
import { DatabaseModelStore } from '../database/DatabaseModelStore';
import { ModelFilter } from '../permissions/rules';

const MAX_PAGE_SIZE = 200;
const DEFAULT_PAGE_SIZE = 50;

/** Domain rules for models: naming, uniqueness, paging. */
export class ModelService {
  constructor(private readonly store: DatabaseModelStore) {}

  async createModel(
    request: CreateModelRequest,
    actor: string,
  ): Promise<Model> {
    const invalid = describeInvalidModelName(request.name);
    if (invalid) throw new InputError(invalid);
    const created = await this.store.insertModel({
      name: request.name,
      owner: request.owner,
      description: request.description ?? '',
      task: request.task,
      framework: request.framework,
      tags: [...new Set(request.tags ?? [])],
      links: request.links ?? {},
      actor,
    });
    if (!created) {
      throw new ConflictError(`model "${request.name}" already exists`);
    }
    return created;
  }

  async getModel(name: string): Promise<Model> {
    const model = await this.store.getModel(name);
    if (!model) throw new NotFoundError(`model "${name}" not found`);
    return model;
  }

  async listModels(query: {
    search?: string;
    owner?: string;
    limit?: number;
    cursor?: string;
    filter?: ModelFilter;
  }): Promise<Page<Model>> {
    const limit = Math.min(query.limit ?? DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
    const items = await this.store.listModels({
      search: query.search,
      owner: query.owner,
      filter: query.filter,
      after: query.cursor ? decodeCursor(query.cursor) : undefined,
      // One extra row tells whether there is a next page.
      limit: limit + 1,
    });
    if (items.length <= limit) return { items };
    const page = items.slice(0, limit);
    return {
      items: page,
      nextCursor: encodeCursor(page[page.length - 1].name),
    };
  }
}

function encodeCursor(lastName: string): string {
  return Buffer.from(JSON.stringify({ after: lastName })).toString('base64url');
}

function decodeCursor(cursor: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString());
    if (typeof parsed?.after === 'string') return parsed.after;
  } catch {
    // reported below
  }
  throw new InputError('cursor is not one this API returned');
}
