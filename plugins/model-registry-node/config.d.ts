import { HumanDuration } from '@backstage/types';

export interface Config {
  modelRegistry?: {
    /**
     * Who hears about registry events, besides the model's owner and the
     * Slack channel and Jira project annotated on the model or its owner
     * (read by the notifications, Slack and Jira modules).
     */
    routing?: {
      /**
       * How long what the catalog says about a model (owner, annotations)
       * is reused; a re-org in the catalog takes effect after this. At most
       * 5 minutes.
       * @default 30 seconds
       */
      cacheTtl?: HumanDuration | string;
      /** Further recipients of events of given types. */
      rules?: Array<{
        /** Event types, e.g. `deployment.failed`. */
        events: string[];
        /** Only events of these models; all models when absent. */
        models?: string[];
        /** Entity refs to notify, e.g. `group:default/sre` (kind defaults to group). */
        notify?: string[];
        /** Slack channels to post to, e.g. `#ml-oncall`. */
        slackChannels?: string[];
      }>;
    };
  };
}
