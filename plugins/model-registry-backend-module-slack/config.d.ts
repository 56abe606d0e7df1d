export interface Config {
  modelRegistry?: {
    /**
     * Slack messages about registry events. The module is off when this key
     * is absent.
     */
    slack?: {
      /**
       * Bot token (`xoxb-…`) with the `chat:write` scope; the bot must be a
       * member of the channels it posts to.
       * @visibility secret
       */
      token: string;
      /**
       * Channel for events of models that name no channel (neither the
       * model, its owner nor a routing rule), e.g. `#ml-registry`. Without
       * it, such events are not posted.
       */
      defaultChannel?: string;
      /**
       * Base URL of the Slack Web API, for proxies and local test servers.
       * @default https://slack.com/api/
       */
      apiUrl?: string;
      /**
       * Event types to post; by default versions registered or failed,
       * aliases set or moved, promotions, deployments (succeeded, failed,
       * rolled back), drift and monitors.
       */
      events?: string[];
    };
  };
}
