import { ModelDeploymentStatusReport } from '@mlreg/plugin-model-registry-node';

/** The parts of an object's status the rollout rules read. */
export interface ObservedObject {
  metadata?: { generation?: number; labels?: Record<string, string> };
  spec?: { replicas?: number };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    availableReplicas?: number;
    url?: string;
    conditions?: Array<{
      type: string;
      status: string;
      reason?: string;
      message?: string;
    }>;
    modelStatus?: {
      transitionStatus?: string;
      states?: { activeModelState?: string };
      lastFailureInfo?: { reason?: string; message?: string };
    };
  };
}

function condition(object: ObservedObject, type: string) {
  return object.status?.conditions?.find(c => c.type === type);
}

/**
 * The rules of `kubectl rollout status` for an `apps/v1` Deployment: nothing
 * is decided before the controller observed the generation; a `Progressing`
 * condition with reason `ProgressDeadlineExceeded` fails the rollout; it is
 * complete when every replica is updated and available and no old one is left.
 */
export function deploymentRolloutStatus(
  object: ObservedObject,
): ModelDeploymentStatusReport {
  const generation = object.metadata?.generation ?? 0;
  const status = object.status ?? {};
  if ((status.observedGeneration ?? 0) < generation) {
    return {
      status: 'progressing',
      message: 'Waiting for deployment spec update to be observed',
    };
  }
  const progressing = condition(object, 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') {
    return {
      status: 'failed',
      message: `ProgressDeadlineExceeded: ${
        progressing.message ??
        'the rollout made no progress within its deadline'
      }`,
    };
  }
  const wanted = object.spec?.replicas ?? 1;
  const updated = status.updatedReplicas ?? 0;
  if (updated < wanted) {
    return {
      status: 'progressing',
      message: `${updated} of ${wanted} updated replicas are available`,
    };
  }
  if ((status.replicas ?? 0) > updated) {
    return {
      status: 'progressing',
      message: `${
        (status.replicas ?? 0) - updated
      } old replicas are pending termination`,
    };
  }
  const available = status.availableReplicas ?? 0;
  if (available < updated) {
    return {
      status: 'progressing',
      message: `${available} of ${updated} updated replicas are available`,
    };
  }
  return {
    status: 'succeeded',
    message: `${available} of ${wanted} replicas available`,
  };
}

const FAILED_TRANSITIONS = new Set(['BlockedByFailedLoad', 'InvalidSpec']);

/**
 * A KServe `InferenceService` rollout: ready when the controller observed
 * the generation and both `Ready` and `PredictorReady` are True; failed when
 * the model cannot load or the spec is invalid.
 */
export function inferenceServiceRolloutStatus(
  object: ObservedObject,
): ModelDeploymentStatusReport {
  const generation = object.metadata?.generation ?? 0;
  const status = object.status ?? {};
  const model = status.modelStatus;
  if (
    (model?.transitionStatus &&
      FAILED_TRANSITIONS.has(model.transitionStatus)) ||
    model?.states?.activeModelState === 'FailedToLoad'
  ) {
    const info = model.lastFailureInfo;
    return {
      status: 'failed',
      message: `${model.transitionStatus ?? 'FailedToLoad'}: ${
        info?.message ?? info?.reason ?? 'the model failed to load'
      }`,
    };
  }
  if ((status.observedGeneration ?? 0) < generation) {
    return {
      status: 'progressing',
      message: 'Waiting for the InferenceService spec update to be observed',
    };
  }
  const ready = condition(object, 'Ready');
  const predictor = condition(object, 'PredictorReady');
  if (ready?.status === 'True' && predictor?.status === 'True') {
    return {
      status: 'succeeded',
      message: 'Ready and PredictorReady',
      ...(status.url ? { url: status.url } : {}),
    };
  }
  const waiting = [ready, predictor].find(c => c && c.status !== 'True');
  return {
    status: 'progressing',
    message: waiting
      ? `${waiting.type} is ${waiting.status}${
          waiting.reason ? ` (${waiting.reason})` : ''
        }${waiting.message ? `: ${waiting.message}` : ''}`
      : 'Waiting for the Ready and PredictorReady conditions',
  };
}
