import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { Model, ModelVersion } from '@mlreg/plugin-model-registry-common';
import { ModelRegistryService } from '@mlreg/plugin-model-registry-node';
import {
  DELETED_ANNOTATION,
  isDeleted,
  latestPerStage,
  MlflowModelVersion,
  MlflowRegisteredModel,
  MODEL_ID_ANNOTATION,
  RUN_LINK_ANNOTATION,
  sourceOf,
  Stage,
  STAGE_ALIASES,
  STAGE_ANNOTATION,
  stageOf,
  STAGES,
  toMlflowModel,
  toMlflowVersion,
} from './convert';
import { isConflict, MlflowError, mlflowErrorOf } from './errors';
import { matchesFilter, parseFilter, Searchable } from './filter';
import {
  MLFLOW_NAME_ANNOTATION,
  mlflowNameOf,
  registryNameOf,
  tombstoneNameOf,
} from './names';
import { parseOrderBy, sortBy } from './orderBy';
import { createPageToken, parsePageToken } from './pageToken';
import {
  annotationKeyOf,
  describeUnstorableTag,
  MlflowTag,
  TAG_PREFIX,
  tagKeyOf,
} from './tags';

type Call = { credentials: BackstageCredentials };

/** Page size of the registry calls that read whole lists. */
const READ_PAGE = 200;

/** A model as the MLflow API sees it: its registry record and MLflow name. */
type Found = { model: Model; name: string };

/** The bounds of `max_results`, as MLflow's server applies them. */
export const SEARCH_LIMITS = {
  models: { default: 100, max: 1000 },
  versions: { default: 10_000, max: 200_000 },
} as const;

function notFoundModel(name: string) {
  return MlflowError.notFound(`Registered Model with name=${name} not found`);
}

function alreadyExists(name: string) {
  return new MlflowError(
    'RESOURCE_ALREADY_EXISTS',
    `Registered Model (name=${name}) already exists.`,
  );
}

function notFoundVersion(name: string, version: number | string) {
  return MlflowError.notFound(
    `Model Version (name=${name}, version=${version}) not found`,
  );
}

/** A version number as MLflow sends it: a string (or number) of digits. */
export function parseVersion(version: string): number {
  if (!/^[0-9]{1,9}$/.test(version) || Number(version) < 1) {
    throw MlflowError.invalid(
      `Parameter 'version' must be an integer, got '${version}'.`,
    );
  }
  return Number(version);
}

export function parseStage(stage: string): Stage {
  const found = STAGES.find(s => s.toLowerCase() === stage.toLowerCase());
  if (!found) {
    throw MlflowError.invalid(
      `Invalid Model Version stage: ${stage}. Value must be one of ${STAGES.join(
        ', ',
      )}.`,
    );
  }
  return found;
}

/** MLflow's rules for alias names, before the registry's own. */
function checkAlias(alias: string) {
  if (!/^[\w-]*$/.test(alias) || alias.length === 0 || alias.length > 255) {
    throw MlflowError.invalid(
      `Invalid alias name: '${alias}'. Names may only contain alphanumerics, underscores (_), and dashes (-).`,
    );
  }
  if (alias.toLowerCase() === 'latest' || /^v\d+$/i.test(alias)) {
    throw MlflowError.invalid(
      `'${alias}' alias name (case insensitive) is reserved.`,
    );
  }
}

function checkTags(tags: MlflowTag[]) {
  for (const tag of tags) {
    const why = describeUnstorableTag(tag);
    if (why) throw MlflowError.invalid(why);
  }
}

function withTags(
  annotations: Record<string, string>,
  tags: MlflowTag[],
): Record<string, string> {
  const next = { ...annotations };
  for (const tag of tags) next[annotationKeyOf(tag.key)] = tag.value;
  return next;
}

function without(annotations: Record<string, string>, key: string) {
  const { [key]: _removed, ...rest } = annotations;
  return rest;
}

/**
 * MLflow's model registry on top of the registry service: every call is
 * made with the caller's credentials, so the registry checks permissions,
 * audits and emits events as for its own API.
 */
export class MlflowService {
  constructor(
    private readonly registry: ModelRegistryService,
    private readonly options: { defaultOwner?: string },
  ) {}

  // ---- lookups

  /** The model behind an MLflow name, or undefined. */
  private async find(name: string, call: Call): Promise<Found | undefined> {
    if (typeof name !== 'string' || name.length === 0) return undefined;
    try {
      const model = await this.registry.getModel(registryNameOf(name), call);
      if (mlflowNameOf(model) !== name || isDeleted(model)) return undefined;
      return { model, name };
    } catch (error) {
      const mapped = mlflowErrorOf(error);
      if (mapped instanceof MlflowError && mapped.status === 404) {
        return undefined;
      }
      throw mapped;
    }
  }

  private async require(name: string, call: Call): Promise<Found> {
    const found = await this.find(name, call);
    if (!found) throw notFoundModel(name);
    return found;
  }

  private async versionsOf(model: Model, call: Call) {
    const versions: ModelVersion[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.registry.listVersions(
        { model: model.name, limit: READ_PAGE, cursor },
        call,
      );
      versions.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return versions.filter(v => !isDeleted(v));
  }

  private async allModels(call: Call): Promise<Found[]> {
    const models: Found[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.registry.listModels(
        { archived: 'include', limit: READ_PAGE, cursor },
        call,
      );
      for (const model of page.items) {
        if (!isDeleted(model))
          models.push({ model, name: mlflowNameOf(model) });
      }
      cursor = page.nextCursor;
    } while (cursor);
    return models;
  }

  private async requireVersion(
    name: string,
    versionText: string,
    call: Call,
  ): Promise<{ found: Found; version: ModelVersion }> {
    const number = parseVersion(versionText);
    const found = await this.require(name, call);
    try {
      const version = await this.registry.getVersion(
        found.model.name,
        number,
        call,
      );
      if (isDeleted(version)) throw notFoundVersion(name, number);
      return { found, version };
    } catch (error) {
      throw mlflowErrorOf(
        error,
        `Model Version (name=${name}, version=${number}) not found`,
      );
    }
  }

  private async registeredModel(found: Found, call: Call) {
    return toMlflowModel(
      found.name,
      found.model,
      await this.versionsOf(found.model, call),
    );
  }

  private ownerOf(credentials: BackstageCredentials): string {
    const principal = credentials.principal as {
      type: string;
      userEntityRef?: string;
    };
    if (principal.type === 'user' && principal.userEntityRef) {
      return principal.userEntityRef;
    }
    if (this.options.defaultOwner) return this.options.defaultOwner;
    throw MlflowError.invalid(
      'Models created with a service token need an owner: set modelRegistry.mlflow.defaultOwner.',
    );
  }

  private async updateVersionAnnotations(
    found: Found,
    version: ModelVersion,
    annotations: Record<string, string>,
    call: Call,
  ) {
    try {
      return await this.registry.updateVersion(
        found.model.name,
        version.version,
        { annotations },
        call,
      );
    } catch (error) {
      throw mlflowErrorOf(error);
    }
  }

  private async updateModelAnnotations(
    found: Found,
    annotations: Record<string, string>,
    call: Call,
  ) {
    try {
      return await this.registry.updateModel(
        found.model.name,
        { annotations },
        call,
      );
    } catch (error) {
      throw mlflowErrorOf(error);
    }
  }

  // ---- registered models

  async createRegisteredModel(
    request: { name: string; tags: MlflowTag[]; description?: string },
    call: Call,
  ): Promise<{ registered_model: MlflowRegisteredModel }> {
    checkTags(request.tags);
    const registryName = registryNameOf(request.name);
    try {
      const model = await this.registry.createModel(
        {
          name: registryName,
          owner: this.ownerOf(call.credentials),
          description: request.description,
          annotations: withTags(
            { [MLFLOW_NAME_ANNOTATION]: request.name },
            request.tags,
          ),
        },
        call,
      );
      return {
        registered_model: toMlflowModel(request.name, model, []),
      };
    } catch (error) {
      if (isConflict(error)) throw alreadyExists(request.name);
      throw mlflowErrorOf(error);
    }
  }

  async getRegisteredModel(request: { name: string }, call: Call) {
    const found = await this.require(request.name, call);
    return { registered_model: await this.registeredModel(found, call) };
  }

  async renameRegisteredModel(
    request: { name: string; new_name?: string },
    call: Call,
  ) {
    const newName = request.new_name;
    if (!newName) {
      throw MlflowError.invalid(
        "Missing value for required parameter 'new_name'. See the API docs for more information about request parameters.",
      );
    }
    const found = await this.require(request.name, call);
    if (newName === request.name) {
      return { registered_model: await this.registeredModel(found, call) };
    }
    if (await this.find(newName, call)) throw alreadyExists(newName);
    const target = registryNameOf(newName);
    const annotations = {
      ...(found.model.annotations ?? {}),
      [MLFLOW_NAME_ANNOTATION]: newName,
    };
    let renamed = found;
    try {
      if (target !== found.model.name) {
        renamed = {
          name: found.name,
          model: await this.registry.renameModel(
            found.model.name,
            target,
            call,
          ),
        };
      }
    } catch (error) {
      if (isConflict(error)) throw alreadyExists(newName);
      throw mlflowErrorOf(error);
    }
    try {
      const model = await this.updateModelAnnotations(
        renamed,
        annotations,
        call,
      );
      return {
        registered_model: await this.registeredModel(
          { model, name: newName },
          call,
        ),
      };
    } catch (error) {
      // Back to the old name, so the MLflow name still finds its model.
      if (renamed !== found) {
        await this.registry
          .renameModel(target, found.model.name, call)
          .catch(() => undefined);
      }
      throw error;
    }
  }

  async updateRegisteredModel(
    request: { name: string; description?: string },
    call: Call,
  ) {
    const found = await this.require(request.name, call);
    if (request.description === undefined) {
      return { registered_model: await this.registeredModel(found, call) };
    }
    try {
      const model = await this.registry.updateModel(
        found.model.name,
        { description: request.description },
        call,
      );
      return {
        registered_model: await this.registeredModel(
          { model, name: found.name },
          call,
        ),
      };
    } catch (error) {
      throw mlflowErrorOf(error);
    }
  }

  /**
   * Deletes a model. One without versions goes for good; one with versions
   * stays in the registry (archived, renamed out of the way, marked
   * deleted) so its history is kept and the MLflow name is free again.
   */
  async deleteRegisteredModel(request: { name: string }, call: Call) {
    const found = await this.require(request.name, call);
    try {
      const versions = await this.registry.listVersions(
        { model: found.model.name, limit: 1 },
        call,
      );
      if (versions.items.length === 0) {
        await this.registry.deleteModel(found.model.name, call);
        return {};
      }
      await this.registry.updateModel(
        found.model.name,
        {
          annotations: {
            ...(found.model.annotations ?? {}),
            [DELETED_ANNOTATION]: 'true',
          },
        },
        call,
      );
      const tombstone = tombstoneNameOf(found.model.name, new Date());
      await this.registry.renameModel(found.model.name, tombstone, call);
      await this.registry.archiveModel(tombstone, call);
      return {};
    } catch (error) {
      throw mlflowErrorOf(error);
    }
  }

  async searchRegisteredModels(
    request: SearchRequest,
    call: Call,
  ): Promise<{
    registered_models?: MlflowRegisteredModel[];
    next_page_token?: string;
  }> {
    const { limit, comparisons, order, offset } = readSearch(request, 'model');
    const matching = (await this.allModels(call)).filter(f =>
      matchesFilter(comparisons, modelSearchable(f)),
    );
    const sorted = sortBy(matching.map(modelSortable), order).map(s => s.item);
    const page = sorted.slice(offset, offset + limit);
    const registeredModels = [];
    for (const found of page) {
      registeredModels.push(await this.registeredModel(found, call));
    }
    return compactPage({
      registered_models: registeredModels,
      next_page_token:
        offset + limit < sorted.length
          ? createPageToken(offset + limit)
          : undefined,
    });
  }

  async getLatestVersions(
    request: { name: string; stages: string[] },
    call: Call,
  ) {
    const stages = request.stages.length
      ? request.stages.map(parseStage)
      : STAGES;
    const found = await this.require(request.name, call);
    const versions = latestPerStage(
      await this.versionsOf(found.model, call),
      stages,
    );
    return compactPage({
      model_versions: versions.map(v => toMlflowVersion(found.name, v)),
    });
  }

  async setRegisteredModelTag(
    request: { name: string; key: string; value: string },
    call: Call,
  ) {
    checkTags([request]);
    const found = await this.require(request.name, call);
    await this.updateModelAnnotations(
      found,
      withTags(found.model.annotations ?? {}, [request]),
      call,
    );
    return {};
  }

  async deleteRegisteredModelTag(
    request: { name: string; key: string },
    call: Call,
  ) {
    const found = await this.require(request.name, call);
    const key = annotationKeyOf(request.key);
    if (found.model.annotations?.[key] !== undefined) {
      await this.updateModelAnnotations(
        found,
        without(found.model.annotations, key),
        call,
      );
    }
    return {};
  }

  // ---- model versions

  async createModelVersion(
    request: {
      name: string;
      source: string;
      run_id?: string;
      tags: MlflowTag[];
      run_link?: string;
      description?: string;
      model_id?: string;
    },
    call: Call,
  ): Promise<{ model_version: MlflowModelVersion }> {
    checkTags(request.tags);
    if (!/^[A-Za-z][A-Za-z0-9+.-]*:/.test(request.source)) {
      throw MlflowError.invalid(
        `Invalid model version source: '${request.source}'. This registry keeps sources as URIs (runs:/, models:/, s3://, gs://, https://, file://, ...); a local path is not one.`,
      );
    }
    const found = await this.require(request.name, call);
    const annotations = withTags({}, request.tags);
    if (request.run_link) annotations[RUN_LINK_ANNOTATION] = request.run_link;
    if (request.model_id) annotations[MODEL_ID_ANNOTATION] = request.model_id;
    try {
      const version = await this.registry.registerVersion(
        found.model.name,
        {
          description: request.description,
          source: request.run_id ? { runId: request.run_id } : undefined,
          artifact: { uri: request.source },
          annotations,
        },
        call,
      );
      return { model_version: toMlflowVersion(found.name, version) };
    } catch (error) {
      throw mlflowErrorOf(error);
    }
  }

  async getModelVersion(
    request: { name: string; version: string },
    call: Call,
  ) {
    const { found, version } = await this.requireVersion(
      request.name,
      request.version,
      call,
    );
    return { model_version: toMlflowVersion(found.name, version) };
  }

  async updateModelVersion(
    request: { name: string; version: string; description?: string },
    call: Call,
  ) {
    const { found, version } = await this.requireVersion(
      request.name,
      request.version,
      call,
    );
    if (request.description === undefined) {
      return { model_version: toMlflowVersion(found.name, version) };
    }
    try {
      const updated = await this.registry.updateVersion(
        found.model.name,
        version.version,
        { description: request.description },
        call,
      );
      return { model_version: toMlflowVersion(found.name, updated) };
    } catch (error) {
      throw mlflowErrorOf(error);
    }
  }

  /**
   * Soft-deletes a version, as MLflow's own store does: the registry keeps
   * it (numbers are never reused) but marks it deleted and drops its
   * aliases, and the MLflow API no longer shows it.
   */
  async deleteModelVersion(
    request: { name: string; version: string },
    call: Call,
  ) {
    const { found, version } = await this.requireVersion(
      request.name,
      request.version,
      call,
    );
    await this.updateVersionAnnotations(
      found,
      version,
      { ...version.annotations, [DELETED_ANNOTATION]: 'true' },
      call,
    );
    for (const alias of version.aliases) {
      await this.registry
        .deleteAlias(found.model.name, alias, call)
        .catch(error => {
          throw mlflowErrorOf(error);
        });
    }
    return {};
  }

  /**
   * Moves a version to a stage. `Staging` and `Production` also point the
   * `staging`/`production` alias at it first, so protected aliases and
   * approvals decide before anything changes; leaving such a stage drops
   * the alias if it still points here.
   */
  async transitionModelVersionStage(
    request: {
      name: string;
      version: string;
      stage: string;
      archive_existing_versions: boolean;
    },
    call: Call,
  ) {
    const stage = parseStage(request.stage);
    const alias = STAGE_ALIASES[stage];
    if (request.archive_existing_versions && !alias) {
      throw MlflowError.invalid(
        `Model version transition cannot archive existing model versions because '${stage}' is not an Active stage. Valid stages are Staging, Production.`,
      );
    }
    const { found, version } = await this.requireVersion(
      request.name,
      request.version,
      call,
    );
    const previous = stageOf(version);
    try {
      if (alias) {
        await this.registry.setAlias(
          found.model.name,
          alias,
          version.version,
          call,
        );
      }
      const previousAlias = STAGE_ALIASES[previous];
      if (
        previousAlias &&
        previousAlias !== alias &&
        version.aliases.includes(previousAlias)
      ) {
        await this.registry.deleteAlias(found.model.name, previousAlias, call);
      }
      const annotations =
        stage === 'None'
          ? without(version.annotations, STAGE_ANNOTATION)
          : { ...version.annotations, [STAGE_ANNOTATION]: stage };
      const moved = await this.registry.updateVersion(
        found.model.name,
        version.version,
        { annotations },
        call,
      );
      if (request.archive_existing_versions) {
        for (const other of await this.versionsOf(found.model, call)) {
          if (other.version !== version.version && stageOf(other) === stage) {
            await this.registry.updateVersion(
              found.model.name,
              other.version,
              {
                annotations: {
                  ...other.annotations,
                  [STAGE_ANNOTATION]: 'Archived',
                },
              },
              call,
            );
          }
        }
      }
      return {
        model_version: toMlflowVersion(
          found.name,
          await this.registry.getVersion(found.model.name, moved.version, call),
        ),
      };
    } catch (error) {
      throw mlflowErrorOf(error);
    }
  }

  async searchModelVersions(
    request: SearchRequest,
    call: Call,
  ): Promise<{
    model_versions?: MlflowModelVersion[];
    next_page_token?: string;
  }> {
    const { limit, comparisons, order, offset } = readSearch(
      request,
      'version',
    );
    const exactName = comparisons.find(
      c =>
        c.kind === 'string' &&
        c.key.type === 'attribute' &&
        c.key.name === 'name' &&
        c.op === '=',
    );
    const models =
      exactName && exactName.kind === 'string'
        ? [await this.find(exactName.value, call)].filter(
            (f): f is Found => f !== undefined,
          )
        : await this.allModels(call);
    const matching: Array<{ name: string; version: ModelVersion }> = [];
    for (const found of models) {
      for (const version of await this.versionsOf(found.model, call)) {
        const item = { name: found.name, version };
        if (matchesFilter(comparisons, versionSearchable(item))) {
          matching.push(item);
        }
      }
    }
    const sorted = sortBy(matching.map(versionSortable), order).map(
      s => s.item,
    );
    const page = sorted.slice(offset, offset + limit);
    return compactPage({
      model_versions: page.map(v => toMlflowVersion(v.name, v.version)),
      next_page_token:
        offset + limit < sorted.length
          ? createPageToken(offset + limit)
          : undefined,
    });
  }

  /**
   * Where a client fetches a version's files: the registry's download URL
   * for an artifact it keeps, else the source URI as registered.
   */
  async getModelVersionDownloadUri(
    request: { name: string; version: string },
    call: Call,
  ) {
    const { found, version } = await this.requireVersion(
      request.name,
      request.version,
      call,
    );
    const artifactUri =
      version.artifact?.location === 'registry'
        ? await this.registry.getArtifactUrl(
            found.model.name,
            version.version,
            call,
          )
        : sourceOf(found.name, version);
    return { artifact_uri: artifactUri };
  }

  async setModelVersionTag(
    request: { name: string; version: string; key: string; value: string },
    call: Call,
  ) {
    checkTags([request]);
    const { found, version } = await this.requireVersion(
      request.name,
      request.version,
      call,
    );
    await this.updateVersionAnnotations(
      found,
      version,
      withTags(version.annotations, [request]),
      call,
    );
    return {};
  }

  async deleteModelVersionTag(
    request: { name: string; version: string; key: string },
    call: Call,
  ) {
    const { found, version } = await this.requireVersion(
      request.name,
      request.version,
      call,
    );
    const key = annotationKeyOf(request.key);
    if (version.annotations[key] !== undefined) {
      await this.updateVersionAnnotations(
        found,
        version,
        without(version.annotations, key),
        call,
      );
    }
    return {};
  }

  // ---- aliases

  async setRegisteredModelAlias(
    request: { name: string; alias: string; version: string },
    call: Call,
  ) {
    checkAlias(request.alias);
    const { found, version } = await this.requireVersion(
      request.name,
      request.version,
      call,
    );
    try {
      await this.registry.setAlias(
        found.model.name,
        request.alias,
        version.version,
        call,
      );
    } catch (error) {
      throw mlflowErrorOf(error);
    }
    return {};
  }

  async deleteRegisteredModelAlias(
    request: { name: string; alias: string },
    call: Call,
  ) {
    checkAlias(request.alias);
    const found = await this.require(request.name, call);
    try {
      await this.registry.deleteAlias(found.model.name, request.alias, call);
    } catch (error) {
      throw mlflowErrorOf(
        error,
        `Registered model alias ${request.alias} not found.`,
      );
    }
    return {};
  }

  async getModelVersionByAlias(
    request: { name: string; alias: string },
    call: Call,
  ) {
    checkAlias(request.alias);
    const found = await this.require(request.name, call);
    try {
      const version = await this.registry.getVersionByAlias(
        found.model.name,
        request.alias,
        call,
      );
      return { model_version: toMlflowVersion(found.name, version) };
    } catch (error) {
      throw mlflowErrorOf(
        error,
        `Registered model alias ${request.alias} not found.`,
      );
    }
  }
}

/** The fields of both search requests. */
type SearchRequest = {
  filter?: string;
  max_results?: number;
  order_by: string[];
  page_token?: string;
};

/** A search request checked and parsed, before any registry call. */
function readSearch(request: SearchRequest, kind: 'model' | 'version') {
  return {
    limit: checkMaxResults(
      request.max_results,
      SEARCH_LIMITS[kind === 'model' ? 'models' : 'versions'],
    ),
    comparisons: parseFilter(request.filter, kind),
    order: parseOrderBy(request.order_by, kind),
    offset: parsePageToken(request.page_token),
  };
}

function checkMaxResults(
  value: number | undefined,
  bounds: { default: number; max: number },
): number {
  if (value === undefined) return bounds.default;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw MlflowError.invalid(
      `Invalid value for max_results. It must be a positive integer, but got ${value}`,
    );
  }
  if (value > bounds.max) {
    throw MlflowError.invalid(
      `Invalid value for max_results. It must be at most ${bounds.max}, but got value ${value}`,
    );
  }
  return value;
}

function compactPage<T extends Record<string, unknown>>(page: T): T {
  return Object.fromEntries(
    Object.entries(page).filter(
      ([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0),
    ),
  ) as T;
}

function tagRecord(annotations: Record<string, string> = {}) {
  const tags: Record<string, string> = {};
  for (const [key, value] of Object.entries(annotations)) {
    if (key.startsWith(TAG_PREFIX)) {
      tags[tagKeyOf(key)!] = value;
    }
  }
  return tags;
}

function modelSearchable(found: Found): Searchable {
  return {
    attributes: { name: found.name },
    tags: tagRecord(found.model.annotations),
  };
}

function versionSearchable(item: {
  name: string;
  version: ModelVersion;
}): Searchable {
  return {
    attributes: {
      name: item.name,
      run_id: item.version.source.runId,
      source_path: sourceOf(item.name, item.version),
      version_number: item.version.version,
    },
    tags: tagRecord(item.version.annotations),
  };
}

function modelSortable(found: Found) {
  return {
    item: found,
    keys: {
      name: found.name,
      creation_timestamp: Date.parse(found.model.createdAt),
      last_updated_timestamp: Date.parse(found.model.updatedAt),
    },
  };
}

function versionSortable(item: { name: string; version: ModelVersion }) {
  return {
    item,
    keys: {
      name: item.name,
      version_number: item.version.version,
      creation_timestamp: Date.parse(item.version.createdAt),
      last_updated_timestamp: Date.parse(item.version.updatedAt),
    },
  };
}
