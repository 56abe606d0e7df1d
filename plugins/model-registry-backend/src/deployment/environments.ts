import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import { describeInvalidAlias } from '@mlreg/plugin-model-registry-common';
import { ModelDeploymentEnvironment } from '@mlreg/plugin-model-registry-node';
import { Guardrail } from './analysis';
import { parseCondition } from './conditions';

/** How an environment deploys: a target applying manifests, or a pipeline. */
export type DeployMode = 'kubernetes' | 'cicd';

/** What to do when the guardrails' metrics source cannot be read. */
export type MetricsFailSafe = 'abort' | 'hold';

/** An environment as the registry drives it. */
export interface EnvironmentSettings {
  name: string;
  /** The alias whose moves deploy here; absent: explicit deploys only. */
  alias?: string;
  mode: DeployMode;
  /** What the target receives: name, cluster, namespace, kind, options. */
  target: ModelDeploymentEnvironment;
  bakeTimeMs: number;
  /** A rollout still unfinished after this long fails. */
  rolloutTimeoutMs: number;
  autoRollback: boolean;
  onMetricsUnavailable: MetricsFailSafe;
  guardrails: Guardrail[];
}

/** How the rollout driver runs. */
export interface DeploymentSettings {
  environments: EnvironmentSettings[];
  /** How often active rollouts are advanced. */
  pollIntervalMs: number;
  /** How often aliases are compared with what environments serve. */
  reconcileIntervalMs: number;
  /** Attempts of a failing call to a target before the deployment fails. */
  maxAttempts: number;
}

const NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const CORE_KEYS = new Set([
  'name',
  'alias',
  'mode',
  'targetKind',
  'cluster',
  'namespace',
  'bakeTime',
  'rolloutTimeout',
  'autoRollback',
  'onMetricsUnavailable',
  'guardrails',
]);

function duration(config: Config, key: string, fallbackMs: number): number {
  if (!config.has(key)) return fallbackMs;
  const ms = durationToMilliseconds(readDurationFromConfig(config, { key }));
  if (!(ms >= 0)) {
    throw new Error(`Invalid ${key}: a duration must not be negative`);
  }
  return ms;
}

function positiveInteger(
  config: Config,
  key: string,
  fallback: number | undefined,
  min = 0,
): number | undefined {
  const value = config.getOptionalNumber(key);
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`must be an integer of at least ${min}`);
  }
  return value;
}

function readGuardrail(config: Config): Guardrail {
  const name = config.getString('name');
  const condition = (key: string) => {
    const source = config.getOptionalString(key);
    if (source === undefined) return undefined;
    try {
      return parseCondition(source);
    } catch (e) {
      throw new Error(`${key} "${source}": ${(e as Error).message}`);
    }
  };
  const successCondition = condition('successCondition');
  const failureCondition = condition('failureCondition');
  if (!successCondition && !failureCondition) {
    throw new Error('needs a successCondition, a failureCondition or both');
  }
  const count = (key: string, fallback: number | undefined, min = 0) => {
    try {
      return positiveInteger(config, key, fallback, min);
    } catch (e) {
      throw new Error(`${key} ${(e as Error).message}`);
    }
  };
  const intervalMs = duration(config, 'interval', 60_000);
  if (intervalMs < 100) throw new Error('interval must be at least 100ms');
  return {
    name,
    source: config.getString('source'),
    query: config.getString('query'),
    successCondition,
    failureCondition,
    intervalMs,
    initialDelayMs: duration(config, 'initialDelay', 0),
    count: count('count', undefined, 1),
    failureLimit: count('failureLimit', 0)!,
    inconclusiveLimit: count('inconclusiveLimit', 0)!,
    consecutiveErrorLimit: count('consecutiveErrorLimit', 4)!,
  };
}

function readEnvironment(config: Config): EnvironmentSettings {
  const name = config.getString('name');
  if (!NAME.test(name)) {
    throw new Error(
      `name "${name}" is not a DNS label (lowercase letters, digits and "-", at most 63)`,
    );
  }
  const alias = config.getOptionalString('alias');
  const invalidAlias =
    alias === undefined ? undefined : describeInvalidAlias(alias);
  if (invalidAlias) throw new Error(`alias: ${invalidAlias}`);
  const mode = (config.getOptionalString('mode') ?? 'kubernetes') as DeployMode;
  if (mode !== 'kubernetes' && mode !== 'cicd') {
    throw new Error(`mode must be "kubernetes" or "cicd", not "${mode}"`);
  }
  const targetKind =
    mode === 'cicd'
      ? 'cicd'
      : config.getOptionalString('targetKind') ?? 'deployment';
  const clusterValue = config.getOptional('cluster');
  let cluster: string;
  if (typeof clusterValue === 'string') cluster = clusterValue;
  else if (clusterValue !== undefined)
    cluster = config.getString('cluster.name');
  else if (mode === 'cicd') cluster = config.getString('cicd.provider');
  else throw new Error('cluster is required for mode "kubernetes"');
  const namespace =
    config.getOptionalString('namespace') ??
    (mode === 'cicd' ? name : undefined);
  if (namespace === undefined || !NAME.test(namespace)) {
    throw new Error(
      `namespace ${
        namespace === undefined
          ? 'is required'
          : `"${namespace}" is not a DNS label`
      }`,
    );
  }
  const failSafe = config.getOptionalString('onMetricsUnavailable') ?? 'abort';
  if (failSafe !== 'abort' && failSafe !== 'hold') {
    throw new Error(
      `onMetricsUnavailable must be "abort" or "hold", not "${failSafe}"`,
    );
  }
  const guardrails = (config.getOptionalConfigArray('guardrails') ?? []).map(
    (g, i) => {
      try {
        return readGuardrail(g);
      } catch (e) {
        throw new Error(`guardrails[${i}]: ${(e as Error).message}`);
      }
    },
  );
  const names = new Set<string>();
  for (const g of guardrails) {
    if (names.has(g.name))
      throw new Error(`guardrail "${g.name}" is defined twice`);
    names.add(g.name);
  }
  const raw = config.get<Record<string, unknown>>();
  const options = Object.fromEntries(
    Object.entries(raw).filter(([key]) => !CORE_KEYS.has(key)),
  );
  if (typeof clusterValue === 'object') options.cluster = clusterValue;
  return {
    name,
    alias,
    mode,
    target: {
      name,
      cluster,
      namespace,
      targetKind,
      options: options as ModelDeploymentEnvironment['options'],
    },
    bakeTimeMs: duration(config, 'bakeTime', guardrails.length ? 300_000 : 0),
    rolloutTimeoutMs: duration(config, 'rolloutTimeout', 600_000),
    autoRollback: config.getOptionalBoolean('autoRollback') ?? true,
    onMetricsUnavailable: failSafe,
    guardrails,
  };
}

/**
 * Reads `modelRegistry.environments` and `modelRegistry.deployments`.
 * Anything malformed throws an error naming the key, which stops the
 * backend at startup.
 */
export function readDeploymentSettings(config: Config): DeploymentSettings {
  const environments = (
    config.getOptionalConfigArray('modelRegistry.environments') ?? []
  ).map((env, i) => {
    try {
      return readEnvironment(env);
    } catch (e) {
      throw new Error(
        `Invalid modelRegistry.environments[${i}]: ${(e as Error).message}`,
      );
    }
  });
  const seen = new Set<string>();
  for (const env of environments) {
    if (seen.has(env.name)) {
      throw new Error(
        `Invalid modelRegistry.environments: "${env.name}" is defined twice`,
      );
    }
    seen.add(env.name);
  }
  const deployments = config.getOptionalConfig('modelRegistry.deployments');
  const read = (key: string, fallbackMs: number, minMs: number) => {
    const ms = deployments
      ? duration(deployments, key, fallbackMs)
      : fallbackMs;
    if (ms < minMs) {
      throw new Error(
        `Invalid modelRegistry.deployments.${key}: at least ${minMs}ms`,
      );
    }
    return ms;
  };
  let maxAttempts = 5;
  try {
    maxAttempts = deployments
      ? positiveInteger(deployments, 'maxAttempts', 5, 1)!
      : 5;
  } catch (e) {
    throw new Error(
      `Invalid modelRegistry.deployments.maxAttempts: ${(e as Error).message}`,
    );
  }
  return {
    environments,
    pollIntervalMs: read('pollInterval', 2_000, 200),
    reconcileIntervalMs: read('reconcileInterval', 300_000, 1_000),
    maxAttempts,
  };
}
