export interface Config {
  modelRegistry?: {
    /** The Prometheus module: metrics out, PromQL in, Alertmanager alerts in. */
    prometheus?: {
      /** The registry's metrics. */
      metrics?: {
        /**
         * Path under the registry's base URL (/api/model-registry).
         * @default /metrics
         */
        path?: string;
        /**
         * Lets Prometheus scrape without a Backstage token. Default false:
         * the scraper then needs a token (e.g. a static external access token).
         */
        unauthenticated?: boolean;
        /**
         * Most drift series exported (model × environment × feature × method);
         * new ones beyond are dropped and counted.
         * @default 10000
         */
        maxDriftSeries?: number;
      };
      /** Base URL of the Prometheus HTTP API that serving metrics are read from; no monitoring source without it. */
      url?: string;
      /**
       * Bearer token for that Prometheus.
       * @visibility secret
       */
      bearerToken?: string;
      /**
       * Which serving runtime's metric names the query templates use.
       * @default generic
       */
      runtime?: 'kserve' | 'seldon' | 'mlserver' | 'generic';
      /** The Alertmanager webhook receiver (POST /api/model-registry/alertmanager/webhook); off without a token. */
      alertmanager?: {
        /**
         * The bearer token Alertmanager sends (`http_config.authorization.credentials`), at least 16 characters.
         * @visibility secret
         */
        token?: string;
      };
    };
  };
}
