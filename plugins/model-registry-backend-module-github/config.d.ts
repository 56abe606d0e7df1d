export interface Config {
  modelRegistry?: {
    /**
     * GitHub webhooks in (`POST /api/model-registry/github/webhook`). The
     * module is off when this key is absent.
     */
    github?: {
      /**
       * The webhook's secret (at least 16 characters); deliveries must carry
       * its `X-Hub-Signature-256`.
       * @visibility secret
       */
      webhookSecret: string;
      /**
       * The secret before a rotation, accepted as well until removed.
       * @visibility secret
       */
      previousWebhookSecret?: string;
      /**
       * The model metadata file whose change, pushed to the default branch,
       * registers a version; relative to the repository root.
       * @default model.yaml
       */
      metadataFile?: string;
    };
  };
}
