import { createExtensionPoint } from '@backstage/backend-plugin-api';
import { JsonObject } from '@backstage/types';
import { DeploymentStatus } from '@mlreg/plugin-model-registry-common';

/**
 * A named place a model runs in, e.g. `staging` or `production`: a
 * namespace of a cluster, served by one deployment target kind.
 *
 * @public
 */
export interface ModelDeploymentEnvironment {
  /** Name of the environment, e.g. `production`. */
  name: string;
  /** The cluster, by the name the portal's configuration gives it. */
  cluster: string;
  namespace: string;
  /** The kind of the target that deploys there, e.g. `kserve`. */
  targetKind: string;
  /** Settings of the target kind, e.g. replicas, resources, serving runtime. */
  options?: JsonObject;
}

/**
 * What a target reports about a rollout. `rolled-back` is not among them:
 * the registry sets it on a deployment that a rollback replaced.
 *
 * @public
 */
export type ModelDeploymentRolloutStatus = Exclude<
  DeploymentStatus,
  'rolled-back'
>;

/**
 * One state of an environment as a target applied it. The registry stores it
 * with the deployment, and hands it back verbatim to roll back to it, so a
 * rollback never depends on history the cluster may have pruned.
 *
 * @public
 */
export interface ModelDeploymentRevision {
  /** The model version this revision serves. */
  version: number;
  /** The target's own name for it, e.g. a ReplicaSet revision or a KServe revision name. */
  revision?: string;
  /**
   * Everything the target needs to apply this revision again, e.g. the
   * `storageUri` and predictor spec, or the pod template.
   */
  spec: JsonObject;
}

/**
 * The model version a deployment rolls out.
 *
 * @public
 */
export interface ModelDeploymentVersion {
  model: string;
  version: number;
  /** The version's artifact, where the serving runtime loads it from. */
  artifact: { uri: string; digest?: string; format?: string };
}

/**
 * A rollout's status as a target observed it.
 *
 * @public
 */
export interface ModelDeploymentStatusReport {
  status: ModelDeploymentRolloutStatus;
  /** For people: progress (`2 of 3 replicas updated`) or why it failed. */
  message?: string;
  /** Where the model answers, once known. */
  url?: string;
}

/**
 * The result of applying a revision to an environment.
 *
 * @public
 */
export interface ModelDeploymentApplied {
  /** The revision now applied; the registry records it with the deployment. */
  applied: ModelDeploymentRevision;
  /**
   * What the environment ran before, as the target found it; the registry
   * records it as the revision the deployment replaced. Absent on a first
   * deployment.
   */
  replaced?: ModelDeploymentRevision;
  status: ModelDeploymentStatusReport;
  /**
   * Set when the target applied the version as a canary that serves only
   * part of the traffic; the registry calls `promote` once the bake time
   * passed with the guardrails holding.
   */
  canary?: { trafficPercent: number };
}

/**
 * The version of a model an environment serves, as its target sees it.
 *
 * @public
 */
export interface ModelServedVersion {
  model: string;
  version: number;
}

/**
 * What a target throws when a call fails. `retryable: false` tells the
 * registry that trying again cannot help (e.g. 403, an invalid manifest):
 * the deployment fails at once. Other errors are retried with backoff a
 * bounded number of times.
 *
 * @public
 */
export class ModelDeploymentTargetError extends Error {
  readonly retryable: boolean;
  /** The HTTP status of the remote API, when it answered. */
  readonly status?: number;

  constructor(
    message: string,
    options: { retryable: boolean; status?: number; cause?: unknown },
  ) {
    super(message, { cause: options.cause });
    this.name = 'ModelDeploymentTargetError';
    this.retryable = options.retryable;
    this.status = options.status;
  }
}

/**
 * Applies model versions to environments of one kind, reports rollouts and
 * rolls them back. Every method is idempotent for a given `deploymentId`: the
 * registry retries calls that failed midway.
 *
 * @public
 */
export interface ModelDeploymentTarget {
  /**
   * The kind, e.g. `kserve` or `deployment`: lowercase letters, digits and
   * `-`. Environments name it in `targetKind`.
   */
  kind: string;
  /** Rolls `version` out to `environment`. */
  deploy(request: {
    /** The registry's id of the deployment. */
    deploymentId: string;
    environment: ModelDeploymentEnvironment;
    version: ModelDeploymentVersion;
    /** What the registry last applied there; absent on a first deployment. */
    current?: ModelDeploymentRevision;
  }): Promise<ModelDeploymentApplied>;
  /** Reports the rollout of a revision the target applied. */
  getStatus(request: {
    deploymentId: string;
    environment: ModelDeploymentEnvironment;
    revision: ModelDeploymentRevision;
  }): Promise<ModelDeploymentStatusReport>;
  /** Applies `to`, a revision recorded earlier, in place of `from`. */
  rollback(request: {
    /** The id of the deployment being rolled back. */
    deploymentId: string;
    environment: ModelDeploymentEnvironment;
    from: ModelDeploymentRevision;
    to: ModelDeploymentRevision;
  }): Promise<ModelDeploymentApplied>;
  /**
   * Gives a canary (see {@link ModelDeploymentApplied.canary}) all the
   * traffic. Targets without canaries leave it out.
   */
  promote?(request: {
    deploymentId: string;
    environment: ModelDeploymentEnvironment;
    revision: ModelDeploymentRevision;
  }): Promise<ModelDeploymentApplied>;
  /**
   * What the environment serves, per model, for the registry's comparison
   * of aliases with environments. Targets that cannot tell leave it out.
   */
  listServed?(request: {
    environment: ModelDeploymentEnvironment;
  }): Promise<ModelServedVersion[]>;
}

/**
 * Lets modules add deployment target kinds.
 *
 * @public
 */
export interface ModelRegistryDeploymentTargetsExtensionPoint {
  /** Adds target kinds; a kind registered twice stops the backend from starting. */
  addDeploymentTarget(...targets: ModelDeploymentTarget[]): void;
}

/**
 * Extension point for deployment targets, e.g. KServe or plain Kubernetes
 * Deployments.
 *
 * @public
 */
export const modelRegistryDeploymentTargetsExtensionPoint =
  createExtensionPoint<ModelRegistryDeploymentTargetsExtensionPoint>({
    id: 'model-registry.deployment-targets',
  });
