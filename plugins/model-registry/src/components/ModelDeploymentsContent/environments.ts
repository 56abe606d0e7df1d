import {
  Deployment,
  DeploymentStatus,
} from '@mlreg/plugin-model-registry-common';
import { TextColorStatus } from '@backstage/ui';

/** The deployments of one environment, newest first. */
export interface EnvironmentDeployments {
  environment: string;
  deployments: Deployment[];
  /** The newest deployment that succeeded: what the environment serves. */
  serving?: Deployment;
}

/**
 * Groups a newest-first list of deployments by environment, the most
 * recently deployed environment first.
 */
export function groupByEnvironment(
  deployments: Deployment[],
): EnvironmentDeployments[] {
  const groups = new Map<string, EnvironmentDeployments>();
  for (const deployment of deployments) {
    let group = groups.get(deployment.environment);
    if (!group) {
      group = { environment: deployment.environment, deployments: [] };
      groups.set(deployment.environment, group);
    }
    group.deployments.push(deployment);
    if (!group.serving && deployment.status === 'succeeded') {
      group.serving = deployment;
    }
  }
  return [...groups.values()];
}

/** How a deployment status reads at a glance. */
export const STATUS_TONES: Record<DeploymentStatus, TextColorStatus> = {
  pending: 'info',
  progressing: 'info',
  succeeded: 'success',
  failed: 'danger',
  paused: 'warning',
  'rolled-back': 'warning',
};
