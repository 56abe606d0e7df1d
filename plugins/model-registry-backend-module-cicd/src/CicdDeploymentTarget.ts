import {
  ModelDeploymentApplied,
  ModelDeploymentEnvironment,
  ModelDeploymentRevision,
  ModelDeploymentStatusReport,
  ModelDeploymentTarget,
  ModelDeploymentTargetError,
  ModelDeploymentVersion,
} from '@mlreg/plugin-model-registry-node';
import { Pipeline } from './pipelines';

/**
 * Deploys by starting the environment's pipeline with the model, version,
 * artifact URI and environment; the pipeline reports back through
 * `POST /models/{name}/deployments/{id}/status`, which the deployment follows.
 */
export class CicdDeploymentTarget implements ModelDeploymentTarget {
  readonly kind = 'cicd';

  constructor(
    private readonly pipelines: Map<string, Pipeline>,
    /** The registry's external base URL, for the pipeline's callback. */
    private readonly registryUrl: () => Promise<string>,
  ) {}

  private pipeline(environment: ModelDeploymentEnvironment): Pipeline {
    const pipeline = this.pipelines.get(environment.name);
    if (!pipeline) {
      throw new ModelDeploymentTargetError(
        `environment "${environment.name}" has no cicd pipeline configured`,
        { retryable: false },
      );
    }
    return pipeline;
  }

  private async start(
    deploymentId: string,
    environment: ModelDeploymentEnvironment,
    version: ModelDeploymentVersion,
  ): Promise<ModelDeploymentApplied> {
    const pipeline = this.pipeline(environment);
    const base = await this.registryUrl();
    const parameters = {
      model: version.model,
      version: version.version,
      artifactUri: version.artifact.uri,
      environment: environment.name,
      deploymentId,
      callbackUrl: `${base}/models/${encodeURIComponent(
        version.model,
      )}/deployments/${deploymentId}/status`,
    };
    const run = await pipeline.trigger(parameters);
    return {
      applied: {
        version: version.version,
        ...(run.id ? { revision: run.id } : {}),
        spec: {
          provider: pipeline.provider,
          model: version.model,
          artifact: { ...version.artifact },
        },
      },
      status: {
        status: 'progressing',
        message: `${pipeline.provider} pipeline started${
          run.url ? `: ${run.url}` : ''
        }; waiting for its report`,
      },
    };
  }

  deploy(request: {
    deploymentId: string;
    environment: ModelDeploymentEnvironment;
    version: ModelDeploymentVersion;
  }): Promise<ModelDeploymentApplied> {
    return this.start(
      request.deploymentId,
      request.environment,
      request.version,
    );
  }

  async getStatus(): Promise<ModelDeploymentStatusReport> {
    return {
      status: 'progressing',
      message: 'waiting for the pipeline to report',
    };
  }

  async rollback(request: {
    deploymentId: string;
    environment: ModelDeploymentEnvironment;
    from: ModelDeploymentRevision;
    to: ModelDeploymentRevision;
  }): Promise<ModelDeploymentApplied> {
    const spec = request.to.spec as {
      model?: string;
      artifact?: ModelDeploymentVersion['artifact'];
    };
    if (!spec.model || !spec.artifact?.uri) {
      throw new ModelDeploymentTargetError(
        `the recorded revision of version ${request.to.version} names no model or artifact`,
        { retryable: false },
      );
    }
    const applied = await this.start(
      request.deploymentId,
      request.environment,
      {
        model: spec.model,
        version: request.to.version,
        artifact: spec.artifact,
      },
    );
    return { ...applied, replaced: request.from };
  }
}
