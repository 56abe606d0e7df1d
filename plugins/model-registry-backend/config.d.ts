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
    /**
     * Drift checks: the defaults of every check, scheduled (hourly, on one
     * replica, for each model and environment that sent production batches
     * in the last day) or on demand (which may override them per request).
     */
    drift?: {
      /**
       * The window of batches a check merges: `hour` or `day` (batches
       * observed in the last hour or day) or `rolling` (the newest `batches`).
       * @default day
       */
      window?: 'hour' | 'day' | 'rolling';
      /**
       * Batches of a rolling window, 1-1000.
       * @default 24
       */
      batches?: number;
      /**
       * Without a correction the model drifts when at least this share of
       * its features drift (0 < share ≤ 1).
       * @default 0.5
       */
      driftShare?: number;
      /**
       * `none` (share of drifted features), or `bonferroni` / `fdr`
       * (Benjamini-Hochberg) over the p-value tests: the model drifts when
       * any feature does.
       * @default none
       */
      correction?: 'none' | 'bonferroni' | 'fdr';
      /**
       * Reference values a feature needs to be scored.
       * @default 30
       */
      minReference?: number;
      /**
       * Production values in the window a feature needs to be scored.
       * @default 100
       */
      minCurrent?: number;
      /**
       * Thresholds per method over Evidently's defaults (ks, chisquare, z:
       * 0.05 on the p-value; psi, jensenshannon, wasserstein: 0.1).
       */
      thresholds?: {
        ks?: number;
        psi?: number;
        jensenshannon?: number;
        wasserstein?: number;
        chisquare?: number;
        z?: number;
      };
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
    /**
     * How the deployer drives rollouts of `environments`.
     */
    deployments?: {
      /**
       * How often active rollouts advance one step (a scheduled task of
       * global scope). At least 200 ms.
       * @default { seconds: 2 }
       */
      pollInterval?: HumanDuration | string;
      /**
       * How often each environment's served versions are compared with its
       * alias (`deployment.out_of_sync`).
       * @default { minutes: 5 }
       */
      reconcileInterval?: HumanDuration | string;
      /**
       * Attempts of a failing call to a target or pipeline (5xx, 409,
       * timeouts) before the deployment fails. 403 and invalid manifests
       * fail at once.
       * @default 5
       */
      maxAttempts?: number;
    };
    /**
     * Where model versions run. A move of the alias an environment follows
     * deploys the alias's version there; the Deployments tab and
     * `POST /models/{name}/deployments` deploy any READY version.
     */
    environments?: Array<{
      /** Environment name, a DNS label, e.g. `staging`. */
      name: string;
      /** The alias whose moves deploy here, e.g. `staging`. */
      alias?: string;
      /**
       * `kubernetes`: a target module applies manifests (targetKind);
       * `cicd`: a pipeline deploys (see `cicd`) and reports back.
       * @default kubernetes
       */
      mode?: 'kubernetes' | 'cicd';
      /**
       * `kserve` (InferenceService v1beta1) or `deployment` (Deployment +
       * Service running `image`).
       * @default deployment
       */
      targetKind?: string;
      /**
       * The cluster: the name of a cluster in
       * `kubernetes.clusterLocatorMethods` (type `config`, service account
       * token), or inline `{ name, url, token }`, `{ name, kubeconfig,
       * context }` or `{ name, inCluster: true }`.
       */
      cluster?:
        | string
        | {
            name: string;
            url?: string;
            /** @visibility secret */
            token?: string;
            caData?: string;
            skipTLSVerify?: boolean;
            kubeconfig?: string;
            context?: string;
            inCluster?: boolean;
          };
      /** Namespace the model's workloads go to. */
      namespace?: string;
      /** Model server image (targetKind `deployment`). */
      image?: string;
      /** Arguments of the model server container. */
      args?: string[];
      /** Container port of the model server. @default 8080 */
      port?: number;
      /** Replicas (`minReplicas` for KServe). @default 1 */
      replicas?: number;
      /** Container resources: `{ requests: {cpu, memory}, limits: {...} }`. */
      resources?: {
        requests?: { [name: string]: string | number };
        limits?: { [name: string]: string | number };
      };
      /** Deployment `spec.progressDeadlineSeconds`. */
      progressDeadlineSeconds?: number;
      /** KServe model format; the artifact's format when unset. */
      modelFormat?: string;
      /** KServe serving runtime. */
      runtime?: string;
      /** KServe protocol version, e.g. `v2`. */
      protocolVersion?: string;
      /** KServe service account (e.g. one carrying S3 credentials). */
      serviceAccountName?: string;
      /** KServe `serving.kserve.io/deploymentMode` annotation. */
      deploymentMode?: string;
      /**
       * KServe canary: a new version first gets this share of the traffic
       * (1-99) and all of it once the bake time passed with the guardrails
       * holding.
       */
      canaryTrafficPercent?: number;
      /**
       * How long a new version is watched by its guardrails before it
       * counts as succeeded (or its canary is promoted).
       * @default { minutes: 5 } with guardrails, none without
       */
      bakeTime?: HumanDuration | string;
      /**
       * A rollout not finished after this long fails.
       * @default { minutes: 10 }
       */
      rolloutTimeout?: HumanDuration | string;
      /**
       * Whether a failed rollout or analysis re-applies the last good
       * version's recorded revision and moves the alias back.
       * @default true
       */
      autoRollback?: boolean;
      /**
       * What happens when a guardrail's metrics source cannot be read more
       * than `consecutiveErrorLimit` times in a row: `abort` rolls back,
       * `hold` pauses the rollout and notifies.
       * @default abort
       */
      onMetricsUnavailable?: 'abort' | 'hold';
      /**
       * Metric checks during the bake time, with the semantics of Argo
       * Rollouts' analysis metrics.
       */
      guardrails?: Array<{
        name: string;
        /**
         * Id of an installed monitoring source (e.g. `prometheus`), or
         * `drift`: 1 when the newest drift report of the version since the
         * deployment says drift, 0 when not.
         */
        source: string;
        /** The query, in the source's language (PromQL for Prometheus). */
        query: string;
        /**
         * E.g. `result[0] < 0.05`: over `result` (the values returned),
         * `result[i]`, `len(result)`, numbers, comparisons, `&&`, `||`, `!`.
         */
        successCondition?: string;
        failureCondition?: string;
        /** Time between measurements. @default { minutes: 1 } */
        interval?: HumanDuration | string;
        /** Wait before the first measurement. */
        initialDelay?: HumanDuration | string;
        /** Measurements to take; without it, until the bake time ends. */
        count?: number;
        /** Failed measurements tolerated. @default 0 */
        failureLimit?: number;
        /** Inconclusive measurements tolerated before pausing. @default 0 */
        inconclusiveLimit?: number;
        /** Query errors in a row tolerated. @default 4 */
        consecutiveErrorLimit?: number;
      }>;
      /** Pipeline settings of `mode: cicd` (read by the cicd module). */
      cicd?: {
        /** `github`, `gitlab` or `jenkins`. */
        provider: string;
      };
    }>;
    storage?: {
      /**
       * The artifact store: `filesystem` (a local or mounted directory), `s3`
       * (AWS S3 or any S3-compatible server, Cloud Storage's XML API with
       * HMAC keys included) or `gcs` (Google Cloud Storage).
       * @default filesystem
       */
      type?: 'filesystem' | 's3' | 'gcs';
      /**
       * The largest artifact accepted, in bytes. Uploads stop with an error as
       * soon as they exceed it. At most 5 TiB for `s3` and `gcs`. For `s3` it
       * also sets the multipart part size, max(5 MiB, maxArtifactBytes /
       * 10,000), and so the memory an upload holds: about three parts.
       * @default 10737418240
       */
      maxArtifactBytes?: number;
      /**
       * The most bytes of stored artifacts a model may have in total (the
       * sizes of its versions' uploaded artifacts), in either store. An upload
       * that would take the model over it is refused with 413 Payload Too
       * Large: before a byte is read when the client announces its size
       * (Content-Length), else as soon as it passes what is left, and again
       * when it completes in case another upload to the model finished
       * meanwhile. The version stays PENDING and nothing is kept. Unset: no
       * quota.
       */
      modelQuotaBytes?: number;
      /** How long uploads may take, and how long a version may wait for one. */
      upload?: {
        /**
         * An upload whose client sends no byte for this long, while the store
         * waits for one, is cut with 408 (a stalled or slow-loris client);
         * the version stays PENDING and nothing is kept. A number is
         * milliseconds; `0` turns it off.
         * @default 60 seconds
         */
        idleTimeout?: HumanDuration | string | number;
        /**
         * The longest an upload may take in total, however steadily it sends
         * (408 after it). Uploads run on this clock instead of the server's
         * `backend.server.requestTimeout` (Node's 300 s by default), which
         * would cut a large upload over a slow link. Must be shorter than
         * `pendingTimeout`. A number is milliseconds.
         * @default 6 hours
         */
        timeout?: HumanDuration | string | number;
        /**
         * A version still PENDING (registered, its artifact never uploaded)
         * this long after registration is marked FAILED, with a
         * `failureReason` saying so, its audit record and a `version.failed`
         * event, by a scheduled task (every 15 minutes, one replica at a
         * time); the partial uploads it left are removed. A number is
         * milliseconds.
         * @default 24 hours
         */
        pendingTimeout?: HumanDuration | string | number;
      };
      filesystem?: {
        /**
         * Directory of the artifacts. Relative paths resolve against the
         * backend's working directory. Created at startup if missing; the
         * backend refuses to start when it cannot write there.
         * @default model-registry-artifacts
         */
        rootDir?: string;
        /**
         * Free bytes uploads leave on the directory's volume. An upload is
         * refused with 507 Insufficient Storage before it starts when its
         * announced size would leave less free, and stopped with 507 when
         * the free space falls below this while it runs (checked every
         * second, with `statfs`); the version stays PENDING and nothing is
         * kept. A full volume (ENOSPC) answers 507 too.
         * @default 1073741824
         */
        reserveBytes?: number;
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
        /**
         * When the AWS SDK adds checksums to requests and checks those of
         * answers: `WHEN_SUPPORTED` (the SDK's default, CRC32 headers on
         * every upload) or `WHEN_REQUIRED` (only where S3 demands them).
         * Cloud Storage's XML API and some S3-compatible servers refuse
         * the default's headers: set `WHEN_REQUIRED` for them.
         * @default WHEN_SUPPORTED
         */
        checksumCalculation?: 'WHEN_SUPPORTED' | 'WHEN_REQUIRED';
      };
      /**
       * Google Cloud Storage, through its JSON API. Uploads are resumable
       * uploads in 8 MiB chunks to a temporary object, copied to the
       * artifact's name once its size and sha256 are verified; downloads
       * answer with V4 signed URLs when the credentials can sign (a
       * service-account key, or `iam.serviceAccounts.signBlob` on the
       * account), else stream through the backend. The account needs
       * `roles/storage.objectUser` on the bucket.
       */
      gcs?: {
        /** The bucket's name, without `gs://`. Must exist. */
        bucket: string;
        /**
         * The project of the bucket; taken from the credentials if unset.
         */
        projectId?: string;
        /**
         * Folder inside the bucket under which artifacts are stored, e.g.
         * `model-registry`; the bucket's root if unset.
         */
        prefix?: string;
        /**
         * Path of a service-account key file (JSON). Without it and
         * `credentials`, Application Default Credentials apply: the file
         * named by `GOOGLE_APPLICATION_CREDENTIALS`, gcloud's user
         * credentials, or the metadata server (workload identity on GKE,
         * Cloud Run, Compute Engine).
         */
        keyFilename?: string;
        /** A service-account key given inline instead of `keyFilename`. */
        credentials?: {
          /** The key's `client_email`. */
          clientEmail: string;
          /**
           * The key's `private_key` (PEM; `\n` escapes are accepted).
           * @visibility secret
           */
          privateKey: string;
        };
        /**
         * Another endpoint of the JSON API, e.g. an emulator
         * (`http://localhost:4443`) or a Private Service Connect endpoint.
         * @default https://storage.googleapis.com
         */
        apiEndpoint?: string;
        /**
         * Sends credentials to `apiEndpoint` too; emulators take none, so
         * by default requests to another endpoint are not authenticated.
         * @default false
         */
        useAuthWithCustomEndpoint?: boolean;
      };
    };
  };
}
