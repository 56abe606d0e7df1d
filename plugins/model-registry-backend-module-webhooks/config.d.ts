export interface Config {
  modelRegistry?: {
    /** Outgoing webhooks registered through `/api/model-registry/webhooks`. */
    webhooks?: {
      /**
       * Accept `http:` webhook URLs, e.g. for a local setup; otherwise only
       * `https:` URLs can be registered.
       * @default false
       */
      allowInsecureUrls?: boolean;
    };
  };
}
