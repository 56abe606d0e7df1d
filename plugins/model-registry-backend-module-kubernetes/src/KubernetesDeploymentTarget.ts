import {
  ApiException,
  KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
  Watch,
} from '@kubernetes/client-node';
import { JsonObject } from '@backstage/types';
import {
  ModelDeploymentApplied,
  ModelDeploymentEnvironment,
  ModelDeploymentRevision,
  ModelDeploymentStatusReport,
  ModelDeploymentTarget,
  ModelDeploymentTargetError,
  ModelDeploymentVersion,
  ModelServedVersion,
} from '@mlreg/plugin-model-registry-node';
import { ClusterConnections } from './clusters';
import {
  DEPLOYMENT_ID_ANNOTATION,
  FIELD_MANAGER,
  Manifest,
  readServingOptions,
  renderDeployment,
  renderInferenceService,
} from './manifests';
import {
  deploymentRolloutStatus,
  inferenceServiceRolloutStatus,
  ObservedObject,
} from './rolloutStatus';
import { validateManifest } from './validateManifest';

export type KubernetesTargetKind = 'kserve' | 'deployment';

const PLURALS: Record<string, string> = {
  InferenceService: '/apis/serving.kserve.io/v1beta1',
  Deployment: '/apis/apps/v1',
};

/** Statuses whose failure a retry cannot fix. */
const PERMANENT = new Set([400, 401, 403, 404, 422]);

function toTargetError(error: unknown, doing: string): Error {
  if (error instanceof ModelDeploymentTargetError) return error;
  if (error instanceof ApiException) {
    let detail = '';
    try {
      const body =
        typeof error.body === 'string' ? JSON.parse(error.body) : error.body;
      detail = body?.message ? `: ${body.message}` : '';
    } catch {
      detail = '';
    }
    return new ModelDeploymentTargetError(
      `${doing} failed with HTTP ${error.code}${detail}`,
      {
        retryable: !PERMANENT.has(error.code),
        status: error.code,
        cause: error,
      },
    );
  }
  return new ModelDeploymentTargetError(
    `${doing} failed: ${(error as Error)?.message ?? String(error)}`,
    { retryable: true, cause: error },
  );
}

function withTimeout<T>(
  promise: Promise<T>,
  ms: number,
  what: string,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(`${what}: no answer from the API server within ${ms}ms`),
        ),
      ms,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function manifestsOf(revision: ModelDeploymentRevision): Manifest[] {
  const manifests = revision.spec.manifests;
  if (!Array.isArray(manifests) || manifests.length === 0) {
    throw new ModelDeploymentTargetError(
      `revision of version ${revision.version} carries no manifests`,
      { retryable: false },
    );
  }
  return manifests as unknown as Manifest[];
}

function withDeploymentId(manifest: Manifest, deploymentId: string): Manifest {
  return {
    ...manifest,
    metadata: {
      ...manifest.metadata,
      annotations: {
        ...manifest.metadata.annotations,
        [DEPLOYMENT_ID_ANNOTATION]: deploymentId,
      },
    },
  };
}

function withCanary(manifest: Manifest, percent: number | undefined): Manifest {
  const spec = manifest.spec as JsonObject;
  const predictor = { ...(spec.predictor as JsonObject) };
  if (percent === undefined) delete predictor.canaryTrafficPercent;
  else predictor.canaryTrafficPercent = percent;
  return { ...manifest, spec: { ...spec, predictor } };
}

/**
 * Deploys model versions to Kubernetes as KServe InferenceServices or as
 * Deployments with a Service: renders the manifests, checks them against
 * their kinds' schemas, applies them with server-side apply and follows the
 * rollout with the API server's watch.
 */
export class KubernetesDeploymentTarget implements ModelDeploymentTarget {
  constructor(
    readonly kind: KubernetesTargetKind,
    private readonly clusters: ClusterConnections,
    private readonly options: {
      /** How long one status check follows the rollout's watch. */
      watchMs: number;
      /** How long one API call may take. */
      requestTimeoutMs: number;
    },
  ) {}

  /** Checks an environment's settings; throws a configuration error. */
  checkEnvironment(environment: ModelDeploymentEnvironment): void {
    this.clusters.resolve(environment);
    readServingOptions(this.kind, environment.options);
  }

  private render(
    deploymentId: string,
    environment: ModelDeploymentEnvironment,
    version: ModelDeploymentVersion,
    canary: boolean,
  ): Manifest[] {
    let serving;
    try {
      serving = readServingOptions(this.kind, environment.options);
    } catch (e) {
      throw new ModelDeploymentTargetError(
        `environment "${environment.name}": ${(e as Error).message}`,
        { retryable: false },
      );
    }
    const manifests =
      this.kind === 'kserve'
        ? [
            renderInferenceService(
              environment,
              version,
              deploymentId,
              serving,
              canary,
            ),
          ]
        : renderDeployment(environment, version, deploymentId, serving);
    for (const manifest of manifests) {
      const problem = validateManifest(manifest);
      if (problem) {
        throw new ModelDeploymentTargetError(
          `the ${manifest.kind} for ${version.model} v${version.version} is invalid: ${problem}`,
          { retryable: false },
        );
      }
    }
    return manifests;
  }

  private async apply(
    environment: ModelDeploymentEnvironment,
    manifests: Manifest[],
  ): Promise<KubernetesObject[]> {
    const client = KubernetesObjectApi.makeApiClient(
      this.clusters.kubeConfig(environment),
    );
    const applied: KubernetesObject[] = [];
    for (const manifest of manifests) {
      const what = `server-side apply of ${manifest.kind} ${manifest.metadata.namespace}/${manifest.metadata.name}`;
      try {
        applied.push(
          await withTimeout(
            client.patch(
              manifest as KubernetesObject,
              undefined,
              undefined,
              FIELD_MANAGER,
              true,
              PatchStrategy.ServerSideApply,
            ),
            this.options.requestTimeoutMs,
            what,
          ),
        );
      } catch (e) {
        throw toTargetError(e, what);
      }
    }
    return applied;
  }

  private async read(
    environment: ModelDeploymentEnvironment,
    manifest: Manifest,
  ): Promise<(KubernetesObject & ObservedObject) | undefined> {
    const client = KubernetesObjectApi.makeApiClient(
      this.clusters.kubeConfig(environment),
    );
    const what = `reading ${manifest.kind} ${manifest.metadata.namespace}/${manifest.metadata.name}`;
    try {
      return (await withTimeout(
        client.read({
          apiVersion: manifest.apiVersion,
          kind: manifest.kind,
          metadata: {
            name: manifest.metadata.name,
            namespace: manifest.metadata.namespace,
          },
        }),
        this.options.requestTimeoutMs,
        what,
      )) as KubernetesObject & ObservedObject;
    } catch (e) {
      if (e instanceof ApiException && e.code === 404) return undefined;
      throw toTargetError(e, what);
    }
  }

  private rolloutStatus(object: ObservedObject): ModelDeploymentStatusReport {
    return this.kind === 'kserve'
      ? inferenceServiceRolloutStatus(object)
      : deploymentRolloutStatus(object);
  }

  private revision(
    version: number,
    manifests: Manifest[],
    applied: KubernetesObject[],
  ): ModelDeploymentRevision {
    return {
      version,
      revision: String(applied[0]?.metadata?.generation ?? ''),
      spec: { manifests: manifests as unknown as JsonObject[] },
    };
  }

  /** What the environment serves now, as a revision, from the live object. */
  private async live(
    environment: ModelDeploymentEnvironment,
    main: Manifest,
  ): Promise<ModelDeploymentRevision | undefined> {
    const object = await this.read(environment, main);
    const version = Number(object?.metadata?.labels?.['mlreg.io/version']);
    if (!object || !Number.isInteger(version)) return undefined;
    const { status: _status, ...rest } = object as JsonObject;
    const metadata = object.metadata!;
    return {
      version,
      revision: String(metadata.generation ?? ''),
      spec: {
        manifests: [
          {
            ...rest,
            metadata: {
              name: metadata.name!,
              namespace: metadata.namespace!,
              labels: metadata.labels ?? {},
              annotations: metadata.annotations ?? {},
            },
          },
        ],
      },
    };
  }

  async deploy(request: {
    deploymentId: string;
    environment: ModelDeploymentEnvironment;
    version: ModelDeploymentVersion;
    current?: ModelDeploymentRevision;
  }): Promise<ModelDeploymentApplied> {
    const { deploymentId, environment, version } = request;
    const preview = this.render(deploymentId, environment, version, false);
    const replaced =
      request.current ?? (await this.live(environment, preview[0]));
    const canaryPercent =
      this.kind === 'kserve' && replaced && replaced.version !== version.version
        ? readServingOptions(this.kind, environment.options)
            .canaryTrafficPercent
        : undefined;
    const manifests =
      canaryPercent === undefined
        ? preview
        : this.render(deploymentId, environment, version, true);
    const applied = await this.apply(environment, manifests);
    return {
      applied: this.revision(version.version, manifests, applied),
      ...(replaced ? { replaced } : {}),
      status: this.rolloutStatus(applied[0] as ObservedObject),
      ...(canaryPercent !== undefined
        ? { canary: { trafficPercent: canaryPercent } }
        : {}),
    };
  }

  async getStatus(request: {
    deploymentId: string;
    environment: ModelDeploymentEnvironment;
    revision: ModelDeploymentRevision;
  }): Promise<ModelDeploymentStatusReport> {
    const main = manifestsOf(request.revision)[0];
    const object = await this.read(request.environment, main);
    if (!object) {
      return {
        status: 'failed',
        message: `${main.kind} ${main.metadata.namespace}/${main.metadata.name} no longer exists`,
      };
    }
    const served = object.metadata?.labels?.['mlreg.io/version'];
    if (served !== String(request.revision.version)) {
      return {
        status: 'failed',
        message: `${main.kind} ${main.metadata.name} now serves version ${
          served ?? 'unknown'
        }: it was changed by someone else`,
      };
    }
    const status = this.rolloutStatus(object);
    if (status.status !== 'progressing' || this.options.watchMs <= 0) {
      return status;
    }
    return this.watch(request.environment, main, object, status);
  }

  /**
   * Follows the object's watch for up to `watchMs`, returning as soon as the
   * rollout finishes or fails.
   */
  private async watch(
    environment: ModelDeploymentEnvironment,
    main: Manifest,
    object: KubernetesObject & ObservedObject,
    initial: ModelDeploymentStatusReport,
  ): Promise<ModelDeploymentStatusReport> {
    const watch = new Watch(this.clusters.kubeConfig(environment));
    let latest = initial;
    let controller: AbortController | undefined;
    let finish: () => void = () => {};
    const done = new Promise<void>(resolve => {
      finish = resolve;
    });
    const timer = setTimeout(() => finish(), this.options.watchMs);
    try {
      controller = await withTimeout(
        watch.watch(
          `${PLURALS[main.kind]}/namespaces/${main.metadata.namespace}/${
            main.kind === 'Deployment' ? 'deployments' : 'inferenceservices'
          }`,
          {
            fieldSelector: `metadata.name=${main.metadata.name}`,
            resourceVersion: object.metadata?.resourceVersion,
            allowWatchBookmarks: true,
          },
          (type, changed: ObservedObject) => {
            if (type !== 'ADDED' && type !== 'MODIFIED') return;
            latest = this.rolloutStatus(changed);
            if (latest.status !== 'progressing') finish();
          },
          () => finish(),
        ),
        this.options.requestTimeoutMs,
        `watching ${main.kind} ${main.metadata.name}`,
      );
      await done;
    } catch {
      // A watch that cannot be opened leaves the status as read.
    } finally {
      clearTimeout(timer);
      controller?.abort();
    }
    return latest;
  }

  async promote(request: {
    deploymentId: string;
    environment: ModelDeploymentEnvironment;
    revision: ModelDeploymentRevision;
  }): Promise<ModelDeploymentApplied> {
    const manifests = manifestsOf(request.revision).map(m =>
      m.kind === 'InferenceService' ? withCanary(m, undefined) : m,
    );
    const applied = await this.apply(request.environment, manifests);
    return {
      applied: this.revision(request.revision.version, manifests, applied),
      status: this.rolloutStatus(applied[0] as ObservedObject),
    };
  }

  async rollback(request: {
    deploymentId: string;
    environment: ModelDeploymentEnvironment;
    from: ModelDeploymentRevision;
    to: ModelDeploymentRevision;
  }): Promise<ModelDeploymentApplied> {
    const from = manifestsOf(request.from);
    const canary = from.find(
      m =>
        m.kind === 'InferenceService' &&
        (m.spec as any)?.predictor?.canaryTrafficPercent !== undefined,
    );
    if (canary) {
      // Traffic back to the last rolled-out revision at once, then the spec.
      await this.apply(request.environment, [withCanary(canary, 0)]);
    }
    const manifests = manifestsOf(request.to).map(m =>
      withDeploymentId(
        m.kind === 'InferenceService' ? withCanary(m, undefined) : m,
        request.deploymentId,
      ),
    );
    const applied = await this.apply(request.environment, manifests);
    return {
      applied: this.revision(request.to.version, manifests, applied),
      replaced: request.from,
      status: this.rolloutStatus(applied[0] as ObservedObject),
    };
  }

  async listServed(request: {
    environment: ModelDeploymentEnvironment;
  }): Promise<ModelServedVersion[]> {
    const client = KubernetesObjectApi.makeApiClient(
      this.clusters.kubeConfig(request.environment),
    );
    const [apiVersion, kind] =
      this.kind === 'kserve'
        ? ['serving.kserve.io/v1beta1', 'InferenceService']
        : ['apps/v1', 'Deployment'];
    const what = `listing ${kind}s in ${request.environment.namespace}`;
    const served: ModelServedVersion[] = [];
    let continueToken: string | undefined;
    try {
      do {
        const page = await withTimeout(
          client.list(
            apiVersion,
            kind,
            request.environment.namespace,
            undefined,
            undefined,
            undefined,
            undefined,
            'mlreg.io/model',
            500,
            continueToken,
          ),
          this.options.requestTimeoutMs,
          what,
        );
        for (const item of page.items) {
          const labels = item.metadata?.labels ?? {};
          const version = Number(labels['mlreg.io/version']);
          if (labels['mlreg.io/model'] && Number.isInteger(version)) {
            served.push({ model: labels['mlreg.io/model'], version });
          }
        }
        continueToken = page.metadata?._continue || undefined;
      } while (continueToken);
    } catch (e) {
      throw toTargetError(e, what);
    }
    return served;
  }
}
