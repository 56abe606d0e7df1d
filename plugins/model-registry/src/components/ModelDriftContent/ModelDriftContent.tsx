import { EmptyState } from '@backstage/core-components';

/**
 * The Drift tab. No drift engine runs yet, so it says how the tab will be fed
 * instead of showing anything that looks like data.
 */
export const ModelDriftContent = () => (
  <EmptyState
    missing="data"
    title="No drift reports yet"
    description="Drift reports appear once a reference profile and production batches are sent to the drift engine: the drift score of each feature over time, and the model's verdict per batch."
  />
);
