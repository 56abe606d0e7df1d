import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  catalog?: {
    providers?: {
      /** The entity provider that publishes registry models as `Model` entities. */
      modelRegistry?: {
        /**
         * When the full reconciliation runs; changes in between arrive as
         * deltas from the registry's events.
         * @default every 30 minutes, first run 10 seconds after startup
         */
        schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      };
    };
  };
}
