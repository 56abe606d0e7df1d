import {
  LoggerService,
  RootConfigService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  BinnedFeature,
  DriftBatch,
  DriftCheckRequest,
  DriftCheckResult,
  DriftReport,
  FeatureProfile,
  Page,
  ReferenceProfile,
} from '@mlreg/plugin-model-registry-common';
import { Readable } from 'node:stream';
import { RegistryStores } from '../database/RegistryDatabase';
import { StoredBatch } from '../database/DriftStore';
import { mergeProfiles, profilesFromBinned, schemaOf } from '../drift/batches';
import { DatasetFormat, ProfileBuilder } from '../drift/dataset';
import {
  compareProfiles,
  DEFAULT_THRESHOLDS,
  DRIFT_METHODS,
  DriftCorrection,
  DriftMethod,
  DriftOptions,
} from '../drift/engine';
import { profileStream } from '../drift/readers';
import { Actor } from './Actor';
import { readPage, timestampAndId } from './cursor';
import { ModelService } from './ModelService';
import { recordChange } from './recordChange';
import { VersionService } from './VersionService';

/** How a window of batches is chosen. */
export type DriftWindow = 'hour' | 'day' | 'rolling';

/** `modelRegistry.drift`: the defaults of every check. */
export interface DriftSettings {
  window: DriftWindow;
  /** Batches of a rolling window. */
  batches: number;
  options: DriftOptions;
}

/** Who runs the scheduled checks, in the audit trail and events. */
export const DRIFT_CHECK_ACTOR: Actor = {
  ref: 'service:plugin:model-registry',
};

const HOUR_MS = 3_600_000;
/** A window never merges more batches than this. */
const MAX_WINDOW_BATCHES = 1000;

/** Reads `modelRegistry.drift`; a bad value stops the backend with a clear message. */
export function readDriftSettings(config: RootConfigService): DriftSettings {
  const drift = config.getOptionalConfig('modelRegistry.drift');
  const window = (drift?.getOptionalString('window') ?? 'day') as DriftWindow;
  if (!['hour', 'day', 'rolling'].includes(window)) {
    throw new Error(
      `modelRegistry.drift.window must be hour, day or rolling, not "${window}"`,
    );
  }
  const number = (key: string, fallback: number, min: number, max: number) => {
    const value = drift?.getOptionalNumber(key) ?? fallback;
    if (!(value >= min && value <= max)) {
      throw new Error(
        `modelRegistry.drift.${key} must be between ${min} and ${max}, not ${value}`,
      );
    }
    return value;
  };
  const correction = (drift?.getOptionalString('correction') ??
    'none') as DriftCorrection;
  if (!['none', 'bonferroni', 'fdr'].includes(correction)) {
    throw new Error(
      `modelRegistry.drift.correction must be none, bonferroni or fdr, not "${correction}"`,
    );
  }
  const thresholdsConfig = drift?.getOptionalConfig('thresholds');
  const thresholds: Partial<Record<DriftMethod, number>> = {};
  for (const key of thresholdsConfig?.keys() ?? []) {
    if (!(DRIFT_METHODS as readonly string[]).includes(key)) {
      throw new Error(
        `modelRegistry.drift.thresholds.${key}: unknown method; known are ${DRIFT_METHODS.join(
          ', ',
        )}`,
      );
    }
    thresholds[key as DriftMethod] = number(
      `thresholds.${key}`,
      DEFAULT_THRESHOLDS[key as DriftMethod],
      0,
      Infinity,
    );
  }
  return {
    window,
    batches: number('batches', 24, 1, MAX_WINDOW_BATCHES),
    options: {
      driftShare: number('driftShare', 0.5, Number.MIN_VALUE, 1),
      correction,
      minReference: number('minReference', 30, 1, Number.MAX_SAFE_INTEGER),
      minCurrent: number('minCurrent', 100, 1, Number.MAX_SAFE_INTEGER),
      thresholds,
    },
  };
}

/** Raw production rows or training data, as a stream in a format. */
export interface DatasetUpload {
  body: Readable;
  format: DatasetFormat;
}

/**
 * Drift monitoring: reference profiles per version, production batches per
 * environment, and checks that merge a window of batches and record a
 * drift report. Every write lands with its audit record and outbox event.
 */
export class DriftService {
  constructor(
    private readonly db: RegistryStores,
    private readonly models: ModelService,
    private readonly versions: VersionService,
    private readonly settings: DriftSettings,
  ) {}

  /** The drift reports of a model, newest window first. */
  async listReports(
    modelName: string,
    query: { version?: number; since?: Date; limit: number; cursor?: string },
  ): Promise<Page<DriftReport>> {
    const model = await this.models.resolve(modelName);
    return readPage({
      cursor: query.cursor,
      limit: query.limit,
      accept: c => timestampAndId(c, 'windowEnd'),
      read: (after, limit) =>
        this.db.read.drift.listReports({
          modelId: model.id,
          version: query.version,
          since: query.since,
          after,
          limit,
        }),
      position: last => ({ windowEnd: last.windowEnd, id: last.id }),
    });
  }

  /** The reference profile of a version; 404 when the version or its profile is missing. */
  async getReferenceProfile(
    modelName: string,
    version: number,
  ): Promise<ReferenceProfile> {
    const stored = await this.versions.getStored(modelName, version);
    const profile = await this.db.read.drift.getReferenceProfile(
      stored.modelId,
      version,
    );
    if (!profile) {
      throw new NotFoundError(
        `version ${version} of model "${modelName}" has no reference profile`,
      );
    }
    return profile;
  }

  /** Computes the reference profile of a version from its training data and stores it. */
  async uploadReferenceData(
    modelName: string,
    version: number,
    upload: DatasetUpload,
    actor: Actor,
  ): Promise<ReferenceProfile> {
    await this.versions.getStored(modelName, version);
    const features = await profileStream(
      upload.body,
      upload.format,
      new ProfileBuilder(),
    );
    return this.putReferenceProfile(modelName, version, features, actor);
  }

  /** Stores a reference profile of a version, replacing any earlier one. */
  async putReferenceProfile(
    modelName: string,
    version: number,
    features: FeatureProfile[],
    actor: Actor,
  ): Promise<ReferenceProfile> {
    const stored = await this.versions.getStored(modelName, version);
    const names = new Set<string>();
    for (const f of features) {
      if (names.has(f.feature)) {
        throw new ConflictError(`feature "${f.feature}" appears twice`);
      }
      names.add(f.feature);
    }
    const model = { id: stored.modelId, name: modelName };
    await this.db.transaction(async stores => {
      const now = new Date();
      await stores.drift.putReferenceProfile(model.id, version, features, now);
      await recordChange(stores, actor, now, {
        action: 'drift.reference.set',
        event: 'drift.reference-set',
        target: `model:${modelName}/versions/${version}/reference-profile`,
        model,
        version,
        after: { features: features.map(f => f.feature) },
        payload: {
          model: modelName,
          version,
          features: features.map(f => f.feature),
        },
      });
    });
    return this.getReferenceProfile(modelName, version);
  }

  /** Profiles raw production rows on the reference bins and stores them as a batch. */
  async uploadProductionData(
    modelName: string,
    environment: string,
    scope: { version?: number; observedAt?: Date },
    upload: DatasetUpload,
    actor: Actor,
  ): Promise<DriftBatch> {
    const target = await this.batchTarget(
      modelName,
      environment,
      scope.version,
    );
    const features = await profileStream(
      upload.body,
      upload.format,
      new ProfileBuilder(schemaOf(target.reference)),
    );
    return this.storeBatch(
      target,
      environment,
      scope.observedAt,
      features,
      actor,
    );
  }

  /** Stores a batch of values already counted on the reference bins. */
  async postProductionBatch(
    modelName: string,
    environment: string,
    batch: { version?: number; observedAt?: string; features: BinnedFeature[] },
    actor: Actor,
  ): Promise<DriftBatch> {
    const target = await this.batchTarget(
      modelName,
      environment,
      batch.version,
    );
    const features = profilesFromBinned(
      schemaOf(target.reference),
      batch.features,
    );
    return this.storeBatch(
      target,
      environment,
      batch.observedAt === undefined ? undefined : new Date(batch.observedAt),
      features,
      actor,
    );
  }

  /** The model, the version that served (named, or deployed in the environment) and its reference. */
  private async batchTarget(
    modelName: string,
    environment: string,
    version: number | undefined,
  ) {
    const model = await this.models.resolve(modelName);
    let served = version;
    if (served === undefined) {
      const [newest] = await this.db.read.deployments.list({
        modelId: model.id,
        environment,
        limit: 1,
      });
      if (!newest) {
        throw new ConflictError(
          `no version of model "${modelName}" is deployed in ${environment}; name the version that served the batch`,
        );
      }
      served = newest.version;
    }
    await this.versions.getStored(modelName, served);
    const profile = await this.db.read.drift.getReferenceProfile(
      model.id,
      served,
    );
    if (!profile) {
      throw new ConflictError(
        `version ${served} of model "${modelName}" has no reference profile to compare production data with`,
      );
    }
    return { model, version: served, reference: profile.features };
  }

  private async storeBatch(
    target: Awaited<ReturnType<DriftService['batchTarget']>>,
    environment: string,
    observedAt: Date | undefined,
    features: FeatureProfile[],
    actor: Actor,
  ): Promise<DriftBatch> {
    const values = features.reduce((sum, f) => sum + f.stats.count, 0);
    const { model, version } = target;
    return this.db.transaction(async stores => {
      const now = new Date();
      const at = observedAt ?? now;
      const id = await stores.drift.recordBatch(
        {
          modelId: model.id,
          environment,
          version,
          observedAt: at,
          values,
          features,
        },
        actor.ref,
        now,
      );
      const batch: DriftBatch = {
        id,
        model: model.name,
        environment,
        version,
        observedAt: at.toISOString(),
        values,
        features: features.map(f => f.feature),
      };
      await recordChange(stores, actor, now, {
        action: 'drift.batch.record',
        event: 'drift.batch-received',
        target: `model:${model.name}/environments/${environment}/drift/batches/${id}`,
        model,
        version,
        after: batch,
        payload: { ...batch },
      });
      return batch;
    });
  }

  /**
   * Checks an environment now: merges the window's batches of the version
   * that served most recently, scores them against its reference and
   * records the report (with `drift.detected` when the model drifts).
   */
  async check(
    modelName: string,
    environment: string,
    request: DriftCheckRequest,
    actor: Actor,
    now = new Date(),
  ): Promise<DriftCheckResult> {
    const model = await this.models.resolve(modelName);
    const [scope] = await this.db.read.drift.batchScopes({
      modelId: model.id,
      environment,
    });
    if (!scope) {
      return { reason: `no production batches of ${environment}` };
    }
    return this.checkScope(
      { ...scope, modelName: model.name },
      request,
      actor,
      now,
    );
  }

  private async checkScope(
    scope: {
      modelId: string;
      modelName: string;
      environment: string;
      version: number;
    },
    request: DriftCheckRequest,
    actor: Actor,
    now: Date,
  ): Promise<DriftCheckResult> {
    const window = request.window ?? this.settings.window;
    const since =
      window === 'rolling'
        ? undefined
        : new Date(
            now.getTime() - (window === 'hour' ? HOUR_MS : 24 * HOUR_MS),
          );
    const batches = (
      await this.db.read.drift.listBatches({
        modelId: scope.modelId,
        environment: scope.environment,
        version: scope.version,
        since,
        limit:
          window === 'rolling'
            ? request.batches ?? this.settings.batches
            : MAX_WINDOW_BATCHES,
      })
    ).filter(b => new Date(b.observedAt) <= now);
    if (batches.length === 0) {
      return {
        reason: `no production batches of ${scope.environment} in the ${window} window`,
      };
    }
    const reference = await this.db.read.drift.getReferenceProfile(
      scope.modelId,
      scope.version,
    );
    if (!reference) {
      return { reason: `version ${scope.version} has no reference profile` };
    }
    const current = batches.reduce<FeatureProfile[]>(
      (merged, b) => mergeProfiles(merged, b.features),
      [],
    );
    const { settings } = this;
    const result = compareProfiles(reference.features, current, {
      ...settings.options,
      method: request.method,
      methods: request.methods,
      thresholds: { ...settings.options.thresholds, ...request.thresholds },
      driftShare: request.driftShare ?? settings.options.driftShare,
      correction: request.correction ?? settings.options.correction,
    });
    if (!result.verdict) {
      return {
        reason: `too few values to decide: ${result.skipped
          .map(s => `${s.feature} (${s.reason})`)
          .join(', ')}`,
      };
    }
    const windowStart = since ?? new Date(oldest(batches));
    const drifted = result.verdict === 'drift';
    const model = { id: scope.modelId, name: scope.modelName };
    const report: Omit<DriftReport, 'id'> = {
      model: scope.modelName,
      version: scope.version,
      environment: scope.environment,
      windowStart: windowStart.toISOString(),
      windowEnd: now.toISOString(),
      verdict: result.verdict,
      driftedShare: result.driftedShare,
      retrainingSuggested: drifted,
      features: result.features,
      window,
      batches: batches.length,
      skipped: result.skipped,
      createdAt: now.toISOString(),
    };
    const id = await this.db.transaction(async stores => {
      const reportId = await stores.drift.recordReport(
        model.id,
        { ...report, windowStart, windowEnd: now },
        now,
      );
      await recordChange(stores, actor, now, {
        action: 'drift.check',
        event: drifted ? 'drift.detected' : 'drift.checked',
        target: `model:${scope.modelName}/environments/${scope.environment}/drift/reports/${reportId}`,
        model,
        version: scope.version,
        after: { verdict: result.verdict, driftedShare: result.driftedShare },
        payload: {
          model: scope.modelName,
          version: scope.version,
          environment: scope.environment,
          report: reportId,
          verdict: result.verdict,
          driftedShare: result.driftedShare,
          features: result.features.map(f => ({
            feature: f.feature,
            method: f.method,
            score: f.score,
            threshold: f.threshold,
            drifted: f.drifted,
          })),
        },
      });
      return reportId;
    });
    return { report: { id, ...report } };
  }

  /**
   * Runs {@link DriftService.checkAll} every hour on one replica (global
   * scope).
   */
  async schedule(
    scheduler: SchedulerService,
    logger: LoggerService,
  ): Promise<void> {
    await scheduler.scheduleTask({
      id: 'model-registry-drift-checks',
      frequency: { hours: 1 },
      timeout: { minutes: 30 },
      initialDelay: { minutes: 1 },
      scope: 'global',
      fn: async () => {
        const written = await this.checkAll(DRIFT_CHECK_ACTOR);
        logger.info(`Scheduled drift checks recorded ${written} reports`);
      },
    });
  }

  /**
   * Checks every model and environment that sent batches in the last day,
   * each over the default window; for the scheduled task. Resolves to the
   * reports written.
   */
  async checkAll(actor: Actor, now = new Date()): Promise<number> {
    const since = new Date(now.getTime() - 24 * HOUR_MS);
    let written = 0;
    for (const scope of await this.db.read.drift.batchScopes({ since })) {
      const result = await this.checkScope(
        { ...scope, modelName: scope.model },
        {},
        actor,
        now,
      );
      if (result.report) written += 1;
    }
    return written;
  }
}

function oldest(batches: StoredBatch[]): number {
  return Math.min(...batches.map(b => new Date(b.observedAt).getTime()));
}
