import { HumanDuration } from '@backstage/types';

export interface Config {
  modelRegistry?: {
    /**
     * The Kubernetes deployer. Environments with `targetKind: kserve` or
     * `deployment` are configured under `modelRegistry.environments`.
     */
    kubernetes?: {
      /**
       * How long one status check follows the rollout's watch before the
       * registry looks again at its next poll.
       * @default { seconds: 1 }
       */
      watchTimeout?: HumanDuration | string;
      /**
       * How long one call to the API server may take before it counts as
       * failed (and is retried).
       * @default { seconds: 10 }
       */
      requestTimeout?: HumanDuration | string;
    };
  };
}
