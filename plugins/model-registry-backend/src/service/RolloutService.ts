import { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  Deployment,
  DeploymentStatus,
  ModelEnvironment,
} from '@mlreg/plugin-model-registry-common';
import {
  ModelDeploymentApplied,
  ModelDeploymentTarget,
  ModelMonitoringSource,
  ModelRegistryEvent,
} from '@mlreg/plugin-model-registry-node';
import { RegistryStores, Stores } from '../database/RegistryDatabase';
import { DeploymentTrigger, RolloutState } from '../database/DeploymentStore';
import {
  describeGuardrails,
  judge,
  overallPhase,
  recordMeasurement,
  startGuardrail,
} from '../deployment/analysis';
import {
  EnvironmentSettings,
  DeploymentSettings,
} from '../deployment/environments';
import { Actor } from './Actor';
import { ModelService } from './ModelService';
import { recordChange } from './recordChange';

/** Who the registry's own deployment decisions are audited as. */
export const DEPLOYER: Actor = { ref: 'service:model-registry/deployer' };

const ACTIVE_BATCH = 50;
const PARALLEL = 8;

type TargetLookup = { get(kind: string): ModelDeploymentTarget | undefined };
type SourceLookup = { get(id: string): ModelMonitoringSource | undefined };

/** What a target call failed with, and whether trying again can help. */
function failure(error: unknown): { message: string; retryable: boolean } {
  const e = error as { name?: string; message?: string; retryable?: unknown };
  return {
    message: e?.message ?? String(error),
    retryable: !(
      e?.name === 'ModelDeploymentTargetError' && e.retryable === false
    ),
  };
}

function minutes(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000}m` : `${Math.round(ms / 1000)}s`;
}

/**
 * The write side of deployments: starts rollouts (explicit requests and
 * moves of followed aliases), drives each one through the deployment target
 * of its environment (apply, rollout, bake with guardrails, promotion), rolls
 * back failures to the last good recorded revision, and compares what
 * environments serve with what their aliases name. Every step is stored on
 * the deployment, so any replica can take over; every call to a target is
 * retried a bounded number of times and then ends in a clear status.
 */
export class RolloutService {
  private readonly environments: Map<string, EnvironmentSettings>;

  constructor(
    private readonly db: RegistryStores,
    private readonly models: ModelService,
    private readonly options: {
      settings: DeploymentSettings;
      targets: TargetLookup;
      sources: SourceLookup;
      /** Where a cluster loads a registry-stored artifact from, if it can. */
      servingUri(artifactKey: string): string | undefined;
      logger: LoggerService;
      /** Called after changes that wrote outbox events. */
      onChange?: () => void;
      now?: () => Date;
    },
  ) {
    this.environments = new Map(
      options.settings.environments.map(e => [e.name, e]),
    );
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  /** Checks that every environment's target kind is installed. */
  checkTargets(): void {
    for (const env of this.environments.values()) {
      if (!this.options.targets.get(env.target.targetKind)) {
        throw new Error(
          `Invalid modelRegistry.environments: "${env.name}" uses ${
            env.mode === 'cicd'
              ? 'mode "cicd"'
              : `targetKind "${env.target.targetKind}"`
          }, which no installed module provides; add ${
            env.mode === 'cicd'
              ? '@mlreg/plugin-model-registry-backend-module-cicd'
              : '@mlreg/plugin-model-registry-backend-module-kubernetes'
          } to the backend`,
        );
      }
      for (const g of env.guardrails) {
        if (g.source !== 'drift' && !this.options.sources.get(g.source)) {
          throw new Error(
            `Invalid modelRegistry.environments: guardrail "${g.name}" of "${env.name}" reads monitoring source "${g.source}", which no installed module provides`,
          );
        }
      }
    }
  }

  private environment(name: string): EnvironmentSettings {
    const env = this.environments.get(name);
    if (!env) {
      const known = [...this.environments.keys()];
      throw new InputError(
        `unknown environment "${name}"; configured: ${
          known.length
            ? known.join(', ')
            : 'none (see modelRegistry.environments)'
        }`,
      );
    }
    return env;
  }

  /** The configured environments with what each serves of a model. */
  async listEnvironments(modelName: string): Promise<ModelEnvironment[]> {
    const model = await this.models.resolve(modelName);
    const aliases = await this.db.read.aliases.list(model.id);
    const sync = new Map(
      (await this.db.read.deployments.syncOf(model.id)).map(s => [
        s.environment,
        s,
      ]),
    );
    const result: ModelEnvironment[] = [];
    for (const env of this.environments.values()) {
      const serving = await this.db.read.deployments.lastSucceeded(
        model.id,
        env.name,
      );
      const newest = await this.db.read.deployments.newestInEnvironment(
        model.id,
        env.name,
      );
      const state = sync.get(env.name);
      result.push({
        name: env.name,
        ...(env.alias ? { alias: env.alias } : {}),
        mode: env.mode,
        targetKind: env.target.targetKind,
        cluster: env.target.cluster,
        namespace: env.target.namespace,
        available: Boolean(this.options.targets.get(env.target.targetKind)),
        autoRollback: env.autoRollback,
        bakeTimeSeconds: Math.round(env.bakeTimeMs / 1000),
        guardrails: env.guardrails.map(g => g.name),
        ...(env.alias
          ? { aliasVersion: aliases.find(a => a.alias === env.alias)?.version }
          : {}),
        ...(serving
          ? { servingVersion: serving.version, servingDeployment: serving.id }
          : {}),
        ...(newest && newest.phase !== 'done'
          ? { activeDeployment: newest.id }
          : {}),
        ...(state
          ? {
              sync: {
                inSync: state.inSync,
                checkedAt: state.checkedAt,
                ...(state.servedVersion !== undefined
                  ? { servedVersion: state.servedVersion }
                  : {}),
                ...(state.message ? { message: state.message } : {}),
              },
            }
          : {}),
      });
    }
    return result;
  }

  /** Starts a deployment of a READY version to an environment. */
  async deploy(
    modelName: string,
    request: { environment: string; version: number },
    actor: Actor,
    trigger: { type: DeploymentTrigger; eventId?: string } = { type: 'manual' },
  ): Promise<Deployment> {
    const env = this.environment(request.environment);
    const model = await this.models.resolve(modelName);
    const now = this.now();
    const id = await this.db.transaction(async stores => {
      const version = await stores.versions.get(model.id, request.version);
      if (!version) {
        throw new NotFoundError(
          `version ${request.version} of model "${modelName}" not found`,
        );
      }
      if (version.status !== 'READY') {
        throw new ConflictError(
          `version ${request.version} of model "${modelName}" is ${version.status}; only READY versions are deployed`,
        );
      }
      const active = await stores.deployments.newestInEnvironment(
        model.id,
        env.name,
      );
      const newId = await stores.deployments.record(
        model.id,
        {
          version: request.version,
          environment: env.name,
          target: {
            cluster: env.target.cluster,
            namespace: env.target.namespace,
            kind: env.target.targetKind,
          },
          status: 'pending',
          message:
            active && active.phase !== 'done'
              ? `queued behind the rollout of version ${active.version}`
              : `requested (${trigger.type})`,
          actor: actor.ref,
          rollout: {
            phase: 'apply',
            trigger: trigger.type,
            alias: env.alias,
            triggerEventId: trigger.eventId,
          },
        },
        now,
      );
      await recordChange(stores, actor, now, {
        action: 'deployment.create',
        event: 'deployment.started',
        target: `model:${modelName}/deployments/${newId}`,
        model,
        version: request.version,
        after: { environment: env.name, version: request.version },
        payload: {
          model: modelName,
          deploymentId: newId,
          environment: env.name,
          version: request.version,
          trigger: trigger.type,
        },
      });
      return newId;
    });
    return this.started(id);
  }

  /**
   * Returns the environment of `deploymentId` to that deployment's recorded
   * revision: it must have succeeded, and not be what the environment runs.
   */
  async rollback(
    modelName: string,
    deploymentId: string,
    actor: Actor,
    reason?: string,
  ): Promise<Deployment> {
    const { model, state: good } = await this.deploymentOf(
      modelName,
      deploymentId,
    );
    const env = this.environment(good.environment);
    if (good.status !== 'succeeded' || !good.applied) {
      throw new ConflictError(
        `deployment ${deploymentId} is ${good.status}; only a deployment that succeeded can be rolled back to`,
      );
    }
    const current = await this.db.read.deployments.newestInEnvironment(
      model.id,
      env.name,
    );
    if (!current || current.id === good.id) {
      throw new ConflictError(
        `environment "${env.name}" already runs deployment ${deploymentId}`,
      );
    }
    const id = await this.startRollback(
      model,
      env,
      current,
      good,
      actor,
      reason ?? `manual rollback to version ${good.version}`,
      'rollback',
    );
    return this.started(id);
  }

  /**
   * A pipeline's report on a deployment of an environment in `cicd` mode;
   * the deployment follows it.
   */
  async reportStatus(
    modelName: string,
    deploymentId: string,
    report: {
      status: 'progressing' | 'succeeded' | 'failed';
      message?: string;
      url?: string;
    },
    actor: Actor,
  ): Promise<Deployment> {
    const { state } = await this.deploymentOf(modelName, deploymentId);
    const env = this.environment(state.environment);
    if (env.mode !== 'cicd') {
      throw new ConflictError(
        `environment "${env.name}" deploys through Kubernetes; only pipelines of cicd environments report status`,
      );
    }
    if (state.phase !== 'rollout') {
      throw new ConflictError(
        `deployment ${deploymentId} is ${state.status} and no longer waits for its pipeline`,
      );
    }
    const message = `${
      report.message ?? `pipeline reports ${report.status}`
    } (by ${actor.ref})`;
    if (report.url)
      await this.db.read.deployments.updateRollout(
        deploymentId,
        { url: report.url },
        this.now(),
      );
    await this.onRolloutStatus(state, env, { status: report.status, message });
    return (await this.db.read.deployments.get(deploymentId))!;
  }

  /** A deployment just recorded: subscribers told, its first step taken. */
  private async started(id: string): Promise<Deployment> {
    this.options.onChange?.();
    await this.advanceQuietly(id);
    return (await this.db.read.deployments.get(id))!;
  }

  /** A deployment of the named model, or 404. */
  private async deploymentOf(modelName: string, deploymentId: string) {
    const model = await this.models.resolve(modelName);
    const state = await this.db.read.deployments.getRollout(deploymentId);
    if (!state || state.modelId !== model.id) {
      throw new NotFoundError(
        `model "${modelName}" has no deployment ${deploymentId}`,
      );
    }
    return { model, state };
  }

  /** Outbox subscriber: a followed alias moved (or was created). */
  async onAliasEvent(event: ModelRegistryEvent): Promise<void> {
    const { model, alias, version } = event.payload as {
      model?: string;
      alias?: string;
      version?: number;
    };
    if (!model || !alias || typeof version !== 'number') return;
    for (const env of this.environments.values()) {
      if (env.alias !== alias) continue;
      if (
        await this.db.read.deployments.findByTriggerEvent(
          event.eventId,
          env.name,
        )
      )
        continue;
      let stored;
      try {
        stored = await this.models.resolve(model);
      } catch (e) {
        if ((e as Error).name === 'NotFoundError') return;
        throw e;
      }
      const newest = await this.db.read.deployments.newestInEnvironment(
        stored.id,
        env.name,
      );
      if (
        newest &&
        newest.version === version &&
        ['pending', 'progressing', 'succeeded', 'paused'].includes(
          newest.status,
        )
      ) {
        continue; // already there or on its way (e.g. a rollback moved the alias)
      }
      const actorRef =
        typeof event.payload.actor === 'string'
          ? event.payload.actor
          : DEPLOYER.ref;
      await this.deploy(
        model,
        { environment: env.name, version },
        { ref: actorRef },
        { type: 'alias', eventId: event.eventId },
      );
    }
  }

  /** Advances every active rollout one step; the scheduled task calls it. */
  async tick(): Promise<number> {
    const active = await this.db.read.deployments.listActive(ACTIVE_BATCH * 4);
    let index = 0;
    const worker = async () => {
      while (index < active.length) {
        const state = active[index++];
        await this.advanceQuietly(state.id);
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, worker));
    return active.length;
  }

  private async advanceQuietly(id: string): Promise<void> {
    try {
      await this.advance(id);
    } catch (e) {
      this.options.logger.error(
        `Could not advance deployment ${id}: ${(e as Error).message}`,
      );
    }
  }

  /** One step of one rollout, as its phase says. */
  async advance(id: string): Promise<void> {
    const state = await this.db.read.deployments.getRollout(id);
    if (!state || state.phase === 'done') return;
    const env = this.environments.get(state.environment);
    const now = this.now();
    if (!env) {
      await this.finish(
        state,
        'failed',
        `environment "${state.environment}" is no longer configured`,
      );
      return;
    }
    if (state.nextAttemptAt && state.nextAttemptAt > now) return;
    const target = this.options.targets.get(env.target.targetKind);
    if (!target) {
      await this.finish(
        state,
        'failed',
        `no installed module deploys targetKind "${env.target.targetKind}"`,
      );
      return;
    }
    switch (state.phase) {
      case 'apply':
        await this.apply(state, env, target);
        return;
      case 'rollback':
        await this.applyRollback(state, env, target);
        return;
      case 'rollout':
        await this.followRollout(state, env, target);
        return;
      case 'bake':
        await this.bake(state, env, target);
        return;
      default:
        return;
    }
  }

  /** A failed call to a target: retry later, or fail when it cannot help. */
  private async retryOrFail(
    state: RolloutState,
    doing: string,
    error: unknown,
  ): Promise<boolean> {
    const { message, retryable } = failure(error);
    const attempts = state.attempts + 1;
    const { maxAttempts, pollIntervalMs } = this.options.settings;
    if (!retryable || attempts >= maxAttempts) {
      await this.finish(
        state,
        'failed',
        `${doing} failed${retryable ? ` ${attempts} times` : ''}: ${message}`,
      );
      return false;
    }
    const delay = Math.min(pollIntervalMs * 2 ** (attempts - 1), 60_000);
    const now = this.now();
    await this.db.transaction(async stores => {
      await stores.deployments.updateRollout(
        state.id,
        { attempts, nextAttemptAt: new Date(now.getTime() + delay) },
        now,
      );
      await stores.deployments.appendStatus(
        state.id,
        state.status,
        now,
        `${doing}: attempt ${attempts} of ${maxAttempts} failed (${message}); retrying in ${Math.ceil(
          delay / 1000,
        )}s`,
      );
    });
    return true;
  }

  private async versionToDeploy(state: RolloutState) {
    const version = await this.db.read.versions.get(
      state.modelId,
      state.version,
    );
    if (!version) throw new Error(`version ${state.version} no longer exists`);
    const artifact = version.artifact;
    const uri =
      artifact?.location === 'registry'
        ? version.artifactKey && this.options.servingUri(version.artifactKey)
        : artifact?.uri;
    return {
      model: state.modelName,
      version: state.version,
      uri,
      artifact: {
        uri: uri ?? '',
        ...(artifact?.sha256 ? { digest: `sha256:${artifact.sha256}` } : {}),
        ...(artifact?.format ? { format: artifact.format } : {}),
      },
    };
  }

  private async apply(
    state: RolloutState,
    env: EnvironmentSettings,
    target: ModelDeploymentTarget,
  ): Promise<void> {
    const ahead = await this.db.read.deployments.activeBefore(state);
    if (ahead) return; // queued behind another rollout of the environment
    const version = await this.versionToDeploy(state);
    if (!version.uri) {
      await this.finish(
        state,
        'failed',
        `the artifact of version ${state.version} is in the registry's own store, which clusters cannot read; use the s3 artifact store or register the version with an external artifact URI`,
      );
      return;
    }
    const current = await this.db.read.deployments.lastSucceeded(
      state.modelId,
      env.name,
    );
    let applied: ModelDeploymentApplied;
    try {
      applied = await target.deploy({
        deploymentId: state.id,
        environment: env.target,
        version: {
          model: version.model,
          version: version.version,
          artifact: version.artifact,
        },
        ...(current?.applied ? { current: current.applied } : {}),
      });
    } catch (e) {
      await this.retryOrFail(
        state,
        `applying version ${state.version} to ${env.name}`,
        e,
      );
      return;
    }
    await this.startFollowing(
      state,
      env,
      applied,
      `applied${
        applied.canary
          ? ` as a canary with ${applied.canary.trafficPercent}% of the traffic`
          : ''
      }`,
    );
  }

  private async startFollowing(
    state: RolloutState,
    env: EnvironmentSettings,
    applied: ModelDeploymentApplied,
    what: string,
  ): Promise<void> {
    const now = this.now();
    await this.db.transaction(async stores => {
      await stores.deployments.updateRollout(
        state.id,
        {
          phase: 'rollout',
          applied: applied.applied,
          ...(applied.replaced
            ? {
                replaced: applied.replaced,
                replacedVersion: applied.replaced.version,
              }
            : {}),
          canary: Boolean(applied.canary),
          attempts: 0,
          nextAttemptAt: null,
          deadlineAt: new Date(now.getTime() + env.rolloutTimeoutMs),
          ...(applied.status.url ? { url: applied.status.url } : {}),
        },
        now,
      );
      await stores.deployments.appendStatus(
        state.id,
        'progressing',
        now,
        `${what}: ${applied.status.message ?? applied.status.status}`,
      );
    });
    const next = await this.db.read.deployments.getRollout(state.id);
    if (
      next &&
      applied.status.status !== 'progressing' &&
      applied.status.status !== 'pending'
    ) {
      await this.onRolloutStatus(next, env, applied.status);
    }
  }

  private async followRollout(
    state: RolloutState,
    env: EnvironmentSettings,
    target: ModelDeploymentTarget,
  ): Promise<void> {
    const now = this.now();
    if (state.deadlineAt && now >= state.deadlineAt) {
      await this.onRolloutStatus(state, env, {
        status: 'failed',
        message: `the rollout did not finish within ${minutes(
          env.rolloutTimeoutMs,
        )} (rolloutTimeout)`,
      });
      return;
    }
    if (env.mode === 'cicd') return; // the pipeline reports through the API
    let report;
    try {
      report = await target.getStatus({
        deploymentId: state.id,
        environment: env.target,
        revision: state.applied!,
      });
    } catch (e) {
      await this.retryOrFail(state, 'reading the rollout status', e);
      return;
    }
    if (report.url && report.url !== state.url) {
      await this.db.read.deployments.updateRollout(
        state.id,
        { url: report.url, attempts: 0 },
        now,
      );
    }
    await this.onRolloutStatus(state, env, report);
  }

  private async onRolloutStatus(
    state: RolloutState,
    env: EnvironmentSettings,
    report: { status: DeploymentStatus; message?: string },
  ): Promise<void> {
    const now = this.now();
    if (report.status === 'failed') {
      await this.failAndRollBack(
        state,
        env,
        `rollout failed: ${report.message ?? 'no reason given'}`,
      );
      return;
    }
    if (report.status !== 'succeeded') {
      if (report.message && report.message !== state.message) {
        await this.db.read.deployments.appendStatus(
          state.id,
          'progressing',
          now,
          report.message,
        );
      }
      return;
    }
    const isRollback =
      state.trigger === 'rollback' || state.trigger === 'auto-rollback';
    if (
      !isRollback &&
      (env.guardrails.length > 0 || state.canary) &&
      env.bakeTimeMs > 0
    ) {
      await this.db.transaction(async stores => {
        await stores.deployments.updateRollout(
          state.id,
          {
            phase: 'bake',
            bakeUntil: new Date(now.getTime() + env.bakeTimeMs),
            analysis: env.guardrails.map(g => startGuardrail(g, now.getTime())),
            attempts: 0,
          },
          now,
        );
        await stores.deployments.appendStatus(
          state.id,
          'progressing',
          now,
          `${report.message ?? 'ready'}; baking for ${minutes(env.bakeTimeMs)}${
            env.guardrails.length
              ? ` under guardrails ${env.guardrails
                  .map(g => g.name)
                  .join(', ')}`
              : ''
          }`,
        );
      });
      return;
    }
    await this.finish(state, 'succeeded', report.message ?? 'rolled out');
  }

  private async measure(
    state: RolloutState,
    env: EnvironmentSettings,
    guardrail: EnvironmentSettings['guardrails'][number],
  ): Promise<{
    phase: 'successful' | 'failed' | 'inconclusive' | 'error';
    values: number[];
    message?: string;
  }> {
    try {
      let values: number[];
      if (guardrail.source === 'drift') {
        const reports = await this.db.read.drift.listReports({
          modelId: state.modelId,
          version: state.version,
          since: state.createdAt.toISOString(),
          limit: 1,
        } as never);
        values = reports.length ? [reports[0].verdict === 'drift' ? 1 : 0] : [];
      } else {
        const samples = await this.options.sources
          .get(guardrail.source)!
          .queryInstant({
            scope: {
              model: state.modelName,
              version: state.version,
              environment: env.target,
            },
            query: guardrail.query,
          });
        values = samples.map(s => s.value);
      }
      if (values.length === 0) {
        return {
          phase: 'inconclusive',
          values,
          message: 'the query returned no data',
        };
      }
      return { phase: judge(guardrail, values), values };
    } catch (e) {
      return { phase: 'error', values: [], message: (e as Error).message };
    }
  }

  private async bake(
    state: RolloutState,
    env: EnvironmentSettings,
    target: ModelDeploymentTarget,
  ): Promise<void> {
    const now = this.now();
    let analysis = state.analysis ?? [];
    let measured = false;
    for (const guardrail of env.guardrails) {
      const i = analysis.findIndex(a => a.name === guardrail.name);
      const current =
        i >= 0 ? analysis[i] : startGuardrail(guardrail, now.getTime());
      if (current.phase !== 'running' || current.nextAt > now.getTime())
        continue;
      const outcome = await this.measure(state, env, guardrail);
      const next = recordMeasurement(
        guardrail,
        current,
        outcome,
        this.now().getTime(),
      );
      analysis =
        i >= 0
          ? analysis.map((a, j) => (j === i ? next : a))
          : [...analysis, next];
      measured = true;
    }
    const phase = overallPhase(analysis);
    const summary = describeGuardrails(analysis);
    if (phase === 'failed') {
      await this.saveAnalysis(state, analysis);
      await this.failAndRollBack(state, env, `analysis failed: ${summary}`);
      return;
    }
    if (phase === 'error') {
      await this.saveAnalysis(state, analysis);
      if (env.onMetricsUnavailable === 'abort') {
        await this.failAndRollBack(
          state,
          env,
          `metrics unavailable, fail-safe abort: ${summary}`,
        );
      } else {
        await this.pause(
          state,
          `metrics unavailable, fail-safe hold: ${summary}`,
        );
      }
      return;
    }
    if (phase === 'inconclusive') {
      await this.saveAnalysis(state, analysis);
      await this.pause(state, `analysis inconclusive: ${summary}`);
      return;
    }
    const baked = !state.bakeUntil || now >= state.bakeUntil;
    if (
      baked &&
      analysis.every(
        a =>
          a.phase !== 'running' ||
          env.guardrails.find(g => g.name === a.name)?.count === undefined,
      )
    ) {
      await this.saveAnalysis(
        state,
        analysis.map(a =>
          a.phase === 'running' ? { ...a, phase: 'successful' as const } : a,
        ),
      );
      if (state.canary) {
        if (!target.promote) {
          await this.finish(
            state,
            'failed',
            `targetKind "${env.target.targetKind}" cannot promote a canary`,
          );
          return;
        }
        try {
          const promoted = await target.promote({
            deploymentId: state.id,
            environment: env.target,
            revision: state.applied!,
          });
          await this.db.read.deployments.updateRollout(
            state.id,
            { applied: promoted.applied, canary: false },
            this.now(),
          );
        } catch (e) {
          await this.retryOrFail(state, 'promoting the canary', e);
          return;
        }
        await this.finish(
          state,
          'succeeded',
          `guardrails held for ${minutes(
            env.bakeTimeMs,
          )}; canary promoted to all traffic. ${summary}`,
        );
        return;
      }
      await this.finish(
        state,
        'succeeded',
        `guardrails held for ${minutes(env.bakeTimeMs)}. ${summary}`.trim(),
      );
      return;
    }
    if (measured) await this.saveAnalysis(state, analysis);
  }

  private async saveAnalysis(
    state: RolloutState,
    analysis: RolloutState['analysis'],
  ) {
    await this.db.read.deployments.updateRollout(
      state.id,
      { analysis },
      this.now(),
    );
  }

  private async pause(state: RolloutState, message: string): Promise<void> {
    const now = this.now();
    await this.db.transaction(async stores => {
      await stores.deployments.updateRollout(state.id, { phase: 'done' }, now);
      await stores.deployments.appendStatus(state.id, 'paused', now, message);
      await this.recordDeploymentEvent(
        stores,
        state,
        'deployment.pause',
        'deployment.paused',
        { reason: message },
        now,
      );
    });
    this.options.onChange?.();
  }

  private async finish(
    state: RolloutState,
    status: DeploymentStatus,
    message: string,
  ): Promise<void> {
    const now = this.now();
    await this.db.transaction(async stores => {
      await stores.deployments.updateRollout(
        state.id,
        { phase: 'done', nextAttemptAt: null },
        now,
      );
      await stores.deployments.appendStatus(state.id, status, now, message);
      await this.recordDeploymentEvent(
        stores,
        state,
        `deployment.${status === 'succeeded' ? 'succeed' : 'fail'}`,
        status === 'succeeded' ? 'deployment.succeeded' : 'deployment.failed',
        { status, message },
        now,
      );
    });
    this.options.onChange?.();
  }

  private async recordDeploymentEvent(
    stores: Stores,
    state: RolloutState,
    action: string,
    event: string,
    payload: Record<string, unknown>,
    now: Date,
  ) {
    await recordChange(stores, DEPLOYER, now, {
      action,
      event,
      target: `model:${state.modelName}/deployments/${state.id}`,
      model: { id: state.modelId, name: state.modelName },
      version: state.version,
      after: payload,
      payload: {
        model: state.modelName,
        deploymentId: state.id,
        environment: state.environment,
        version: state.version,
        ...payload,
      },
    });
  }

  /**
   * A rollout that failed: rolled back to the environment's last good
   * revision when the environment rolls back automatically and has one;
   * failed otherwise.
   */
  private async failAndRollBack(
    state: RolloutState,
    env: EnvironmentSettings,
    reason: string,
  ): Promise<void> {
    const isRollback =
      state.trigger === 'rollback' || state.trigger === 'auto-rollback';
    const good = isRollback
      ? undefined
      : await this.db.read.deployments.lastSucceeded(
          state.modelId,
          env.name,
          state.id,
        );
    if (!env.autoRollback || !good?.applied) {
      await this.finish(
        state,
        'failed',
        `${reason}${
          !isRollback && env.autoRollback
            ? '; no earlier successful deployment to roll back to'
            : ''
        }`,
      );
      return;
    }
    const model = { id: state.modelId, name: state.modelName };
    const id = await this.startRollback(
      model,
      env,
      state,
      good,
      DEPLOYER,
      reason,
      'auto-rollback',
    );
    this.options.onChange?.();
    await this.advance(id);
  }

  /**
   * Records a rollback of `from` to `to`'s revision: a new deployment that
   * re-applies it, `from` marked rolled back, the followed alias moved back
   * (an audited system action), and `deployment.rolled_back` with the reason.
   */
  private async startRollback(
    model: { id: string; name: string },
    env: EnvironmentSettings,
    from: RolloutState,
    to: RolloutState,
    actor: Actor,
    reason: string,
    trigger: 'rollback' | 'auto-rollback',
  ): Promise<string> {
    const now = this.now();
    return this.db.transaction(async stores => {
      const id = await stores.deployments.record(
        model.id,
        {
          version: to.version,
          environment: env.name,
          target: {
            cluster: env.target.cluster,
            namespace: env.target.namespace,
            kind: env.target.targetKind,
          },
          status: 'pending',
          replacedVersion: from.version,
          message: reason,
          actor: actor.ref,
          rollout: {
            phase: 'rollback',
            trigger,
            alias: env.alias,
            rollbackOf: from.id,
            replaced: from.applied ?? undefined,
            restores: to.applied,
          },
        },
        now,
      );
      if (from.phase !== 'done' || from.status !== 'rolled-back') {
        await stores.deployments.updateRollout(
          from.id,
          { phase: 'done', nextAttemptAt: null },
          now,
        );
        await stores.deployments.appendStatus(
          from.id,
          'rolled-back',
          now,
          `${reason}; rolled back to version ${to.version}`,
        );
      }
      if (env.alias) {
        const alias = await stores.aliases.get(model.id, env.alias);
        const good = await stores.versions.get(model.id, to.version);
        if (alias && good && alias.version !== to.version) {
          await stores.aliases.set(
            model.id,
            env.alias,
            good.id,
            actor.ref,
            now,
          );
          await recordChange(stores, actor, now, {
            action: 'alias.set',
            event: 'alias.moved',
            target: `model:${model.name}/aliases/${env.alias}`,
            model,
            version: to.version,
            before: { version: alias.version, by: alias.updatedBy },
            after: { version: to.version },
            payload: {
              model: model.name,
              alias: env.alias,
              version: to.version,
              previousVersion: alias.version,
              reason: `rollback: ${reason}`,
            },
          });
        }
      }
      await recordChange(stores, actor, now, {
        action: 'deployment.rollback',
        event: 'deployment.rolled_back',
        target: `model:${model.name}/deployments/${from.id}`,
        model,
        version: from.version,
        before: { version: from.version, deploymentId: from.id },
        after: { version: to.version, deploymentId: id },
        payload: {
          model: model.name,
          environment: env.name,
          deploymentId: from.id,
          rollbackDeploymentId: id,
          fromVersion: from.version,
          toVersion: to.version,
          reason,
          automatic: trigger === 'auto-rollback',
        },
      });
      return id;
    });
  }

  private async applyRollback(
    state: RolloutState,
    env: EnvironmentSettings,
    target: ModelDeploymentTarget,
  ): Promise<void> {
    if (!state.restores) {
      await this.finish(
        state,
        'failed',
        'the rollback has no recorded revision to restore',
      );
      return;
    }
    let applied: ModelDeploymentApplied;
    try {
      applied = state.replaced
        ? await target.rollback({
            deploymentId: state.id,
            environment: env.target,
            from: state.replaced,
            to: state.restores,
          })
        : await target.deploy({
            deploymentId: state.id,
            environment: env.target,
            version: await this.versionToDeploy(state),
          });
    } catch (e) {
      await this.retryOrFail(
        state,
        `rolling back to version ${state.version}`,
        e,
      );
      return;
    }
    await this.startFollowing(
      state,
      env,
      applied,
      `re-applied the recorded revision of version ${state.version}`,
    );
  }
}
