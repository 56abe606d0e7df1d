import { JsonObject } from '@backstage/types';
import {
  ModelDeploymentEnvironment,
  ModelDeploymentVersion,
} from '@mlreg/plugin-model-registry-node';

/** A Kubernetes object as the deployer sends it. */
export interface Manifest extends JsonObject {
  apiVersion: string;
  kind: string;
  metadata: JsonObject & {
    name: string;
    namespace: string;
    labels: Record<string, string>;
    annotations?: Record<string, string>;
  };
}

/** The settings of an environment the manifests read, from its `options`. */
export interface ServingOptions {
  replicas: number;
  resources?: JsonObject;
  /** Plain deployments: the model server image, its port and arguments. */
  image?: string;
  port: number;
  args?: string[];
  progressDeadlineSeconds?: number;
  /** KServe: the model format (default: the artifact's), runtime, protocol. */
  modelFormat?: string;
  runtime?: string;
  protocolVersion?: string;
  serviceAccountName?: string;
  deploymentMode?: string;
  /** KServe: share of traffic a new version gets until it is promoted. */
  canaryTrafficPercent?: number;
}

export const FIELD_MANAGER = 'mlreg-model-registry';
export const DEPLOYMENT_ID_ANNOTATION = 'mlreg.io/deployment-id';

function string(options: JsonObject, key: string): string | undefined {
  const value = options[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') {
    throw new Error(`${key} must be a non-empty string`);
  }
  return value;
}

function integer(
  options: JsonObject,
  key: string,
  min: number,
  max: number,
): number | undefined {
  const value = options[key];
  if (value === undefined) return undefined;
  if (
    typeof value !== 'number' ||
    !Number.isInteger(value) ||
    value < min ||
    value > max
  ) {
    throw new Error(`${key} must be an integer from ${min} to ${max}`);
  }
  return value;
}

/** Reads and checks the serving settings of an environment of `kind`. */
export function readServingOptions(
  kind: 'kserve' | 'deployment',
  options: JsonObject = {},
): ServingOptions {
  const resources = options.resources;
  if (
    resources !== undefined &&
    (typeof resources !== 'object' ||
      resources === null ||
      Array.isArray(resources))
  ) {
    throw new Error('resources must be an object with requests and limits');
  }
  const args = options.args;
  if (
    args !== undefined &&
    (!Array.isArray(args) || args.some(a => typeof a !== 'string'))
  ) {
    throw new Error('args must be a list of strings');
  }
  const image = string(options, 'image');
  if (kind === 'deployment' && !image) {
    throw new Error(
      'image (the model server image) is required for targetKind "deployment"',
    );
  }
  const canary = integer(options, 'canaryTrafficPercent', 1, 99);
  if (canary !== undefined && kind !== 'kserve') {
    throw new Error('canaryTrafficPercent applies to targetKind "kserve" only');
  }
  return {
    replicas: integer(options, 'replicas', 0, 1000) ?? 1,
    resources: resources as JsonObject | undefined,
    image,
    port: integer(options, 'port', 1, 65535) ?? 8080,
    args: args as string[] | undefined,
    progressDeadlineSeconds: integer(
      options,
      'progressDeadlineSeconds',
      1,
      86400,
    ),
    modelFormat: string(options, 'modelFormat'),
    runtime: string(options, 'runtime'),
    protocolVersion: string(options, 'protocolVersion'),
    serviceAccountName: string(options, 'serviceAccountName'),
    deploymentMode: string(options, 'deploymentMode'),
    canaryTrafficPercent: canary,
  };
}

function labels(version: ModelDeploymentVersion): Record<string, string> {
  return {
    'app.kubernetes.io/name': version.model,
    'app.kubernetes.io/instance': version.model,
    'app.kubernetes.io/version': String(version.version),
    'app.kubernetes.io/component': 'model-server',
    'app.kubernetes.io/managed-by': 'mlreg-model-registry',
    'backstage.io/kubernetes-id': version.model,
    'mlreg.io/model': version.model,
    'mlreg.io/version': String(version.version),
  };
}

function metadata(
  environment: ModelDeploymentEnvironment,
  version: ModelDeploymentVersion,
  deploymentId: string,
) {
  const annotations: Record<string, string> = {
    [DEPLOYMENT_ID_ANNOTATION]: deploymentId,
    'mlreg.io/environment': environment.name,
    ...(version.artifact.digest
      ? { 'mlreg.io/artifact-digest': version.artifact.digest }
      : {}),
  };
  return {
    name: version.model,
    namespace: environment.namespace,
    labels: labels(version),
    annotations,
  };
}

/** A KServe `InferenceService` (v1beta1) loading the artifact from its URI. */
export function renderInferenceService(
  environment: ModelDeploymentEnvironment,
  version: ModelDeploymentVersion,
  deploymentId: string,
  options: ServingOptions,
  canary: boolean,
): Manifest {
  const meta = metadata(environment, version, deploymentId);
  if (options.deploymentMode) {
    meta.annotations['serving.kserve.io/deploymentMode'] =
      options.deploymentMode;
  }
  const format = options.modelFormat ?? version.artifact.format;
  if (!format) {
    throw new Error(
      `version ${version.version} of ${version.model} names no artifact format; set modelFormat on the environment`,
    );
  }
  return {
    apiVersion: 'serving.kserve.io/v1beta1',
    kind: 'InferenceService',
    metadata: meta,
    spec: {
      predictor: {
        minReplicas: options.replicas,
        ...(options.serviceAccountName
          ? { serviceAccountName: options.serviceAccountName }
          : {}),
        ...(canary && options.canaryTrafficPercent !== undefined
          ? { canaryTrafficPercent: options.canaryTrafficPercent }
          : {}),
        model: {
          modelFormat: { name: format },
          storageUri: version.artifact.uri,
          ...(options.runtime ? { runtime: options.runtime } : {}),
          ...(options.protocolVersion
            ? { protocolVersion: options.protocolVersion }
            : {}),
          ...(options.resources ? { resources: options.resources } : {}),
        },
      },
    },
  };
}

/** An `apps/v1` Deployment running the model server, and its Service. */
export function renderDeployment(
  environment: ModelDeploymentEnvironment,
  version: ModelDeploymentVersion,
  deploymentId: string,
  options: ServingOptions,
): Manifest[] {
  const meta = metadata(environment, version, deploymentId);
  const selector = {
    'app.kubernetes.io/name': version.model,
    'app.kubernetes.io/instance': version.model,
  };
  const deployment: Manifest = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta,
    spec: {
      replicas: options.replicas,
      ...(options.progressDeadlineSeconds
        ? { progressDeadlineSeconds: options.progressDeadlineSeconds }
        : {}),
      selector: { matchLabels: selector },
      template: {
        metadata: { labels: meta.labels, annotations: meta.annotations },
        spec: {
          containers: [
            {
              name: 'model-server',
              image: options.image!,
              ...(options.args ? { args: options.args } : {}),
              env: [
                { name: 'MODEL_NAME', value: version.model },
                { name: 'MODEL_VERSION', value: String(version.version) },
                { name: 'MODEL_URI', value: version.artifact.uri },
                ...(version.artifact.format
                  ? [{ name: 'MODEL_FORMAT', value: version.artifact.format }]
                  : []),
              ],
              ports: [{ name: 'http', containerPort: options.port }],
              ...(options.resources ? { resources: options.resources } : {}),
            },
          ],
        },
      },
    },
  };
  const service: Manifest = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { ...meta },
    spec: {
      selector,
      ports: [{ name: 'http', port: 80, targetPort: 'http' }],
    },
  };
  return [deployment, service];
}
