import { HumanDuration } from '@backstage/types';

export interface Config {
  /** Configuration of the Model Registry plugin suite. */
  modelRegistry?: {
    /**
     * A YAML file of example models, versions, aliases and KPIs that the
     * example portal loads into its registry on startup. For demos and
     * development only: set in `app-config.example.yaml`, never in the base
     * config. Refused, with a warning in the log, unless the registry's
     * database is SQLite, so a production (PostgreSQL) registry never gets it.
     */
    exampleData?: string;
    /** The REST API. */
    api?: {
      /**
       * Checks every answer against the response schema of its operation
       * and fails the request when they differ. For tests and staging: it
       * costs a JSON round trip per answer. Default false.
       */
      validateResponses?: boolean;
    };
    /** The outbox, which delivers the registry's events to subscribers. */
    outbox?: {
      /**
       * How failed deliveries are retried. A subscriber may set each field
       * for itself. The n-th retry waits min(baseDelay * 2^(n-1), maxDelay).
       */
      retry?: {
        /**
         * Attempts before a delivery is dead: kept with its last error until
         * an operator replays it. At least 1.
         * @default 15
         */
        maxAttempts?: number;
        /**
         * Delay before the first retry, e.g. `{ seconds: 1 }` or `1s`.
         * @default 1 second
         */
        baseDelay?: HumanDuration | string;
        /**
         * Longest delay between two attempts.
         * @default 1 hour
         */
        maxDelay?: HumanDuration | string;
      };
      /**
       * How long a dispatcher keeps a delivery it claimed. A delivery whose
       * backend stopped during the call is retried, on any replica, once
       * this has passed; a subscriber that takes longer fails the attempt.
       * At least 1 second.
       * @default 2 minutes
       */
      leaseDuration?: HumanDuration | string;
    };
    /** Where model artifacts are stored. */
    storage?: {
      /**
       * The artifact store: `filesystem` (a local or mounted directory) or
       * `s3` (AWS S3 or any S3-compatible server).
       * @default filesystem
       */
      type?: 'filesystem' | 's3';
      /**
       * The largest artifact accepted, in bytes. Uploads stop with an error as
       * soon as they exceed it. At most 5 TiB for `s3`, where it also sets the
       * multipart part size, max(5 MiB, maxArtifactBytes / 10,000), and so the
       * memory an upload holds: about three parts.
       * @default 10737418240
       */
      maxArtifactBytes?: number;
      filesystem?: {
        /**
         * Directory of the artifacts. Relative paths resolve against the
         * backend's working directory. Created at startup if missing; the
         * backend refuses to start when it cannot write there.
         * @default model-registry-artifacts
         */
        rootDir?: string;
      };
      s3?: {
        /** The bucket that holds the artifacts. Must exist. */
        bucket: string;
        /**
         * The bucket's region.
         * @default us-east-1
         */
        region?: string;
        /**
         * The S3 endpoint, for S3-compatible servers such as MinIO or Ceph,
         * e.g. `http://minio:9000`. AWS's endpoint for the region if unset.
         */
        endpoint?: string;
        /**
         * Addresses the bucket in the path (`endpoint/bucket/key`) instead of
         * the host name; most S3-compatible servers need this.
         * @default false
         */
        forcePathStyle?: boolean;
        /**
         * Access key id. Without it and `secretAccessKey`, the AWS SDK's
         * default credential chain applies (environment, shared profile,
         * web identity, instance or task role).
         * @visibility secret
         */
        accessKeyId?: string;
        /**
         * Secret access key belonging to `accessKeyId`.
         * @visibility secret
         */
        secretAccessKey?: string;
        /**
         * Folder inside the bucket under which artifacts are stored, e.g.
         * `model-registry`; the bucket's root if unset.
         */
        prefix?: string;
      };
    };
  };
}
