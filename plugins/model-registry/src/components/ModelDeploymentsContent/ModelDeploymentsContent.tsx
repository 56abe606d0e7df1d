import { EmptyState } from '@backstage/core-components';

/**
 * The Deployments tab. The registry has no deployer yet, so it says how the
 * tab will be fed instead of showing anything that looks like data.
 */
export const ModelDeploymentsContent = () => (
  <EmptyState
    missing="data"
    title="No deployments yet"
    description="The registry's deployer records deployments here once a version is deployed through it: the environment, the rollout status, and the version each deployment replaced."
  />
);
