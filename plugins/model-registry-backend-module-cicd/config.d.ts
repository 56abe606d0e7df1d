import { HumanDuration } from '@backstage/types';

export interface Config {
  modelRegistry?: {
    /** CI/CD deployments (environments with `mode: cicd`). */
    cicd?: {
      /**
       * How long one call to the CI may take before it counts as failed.
       * @default { seconds: 10 }
       */
      requestTimeout?: HumanDuration | string;
    };
    environments?: Array<{
      /**
       * The pipeline of an environment with `mode: cicd`: `github`
       * (workflow_dispatch), `gitlab` (pipeline trigger) or `jenkins`
       * (buildWithParameters).
       */
      cicd?: {
        provider: 'github' | 'gitlab' | 'jenkins';
        /** API base URL: GitHub `https://api.github.com`, GitLab `https://gitlab.com`, Jenkins required. */
        baseUrl?: string;
        /** GitHub: repository owner and name, workflow file or id. */
        owner?: string;
        repo?: string;
        workflow?: string;
        /** GitHub and GitLab: the ref to run on. @default main */
        ref?: string;
        /**
         * GitHub: token with actions:write.
         * @visibility secret
         */
        token?: string;
        /** GitLab: project id or path. */
        projectId?: string | number;
        /**
         * GitLab: pipeline trigger token.
         * @visibility secret
         */
        triggerToken?: string;
        /** Jenkins: job path, folders separated by `/`. */
        job?: string;
        /** Jenkins user. */
        username?: string;
        /**
         * Jenkins API token of `username`.
         * @visibility secret
         */
        apiToken?: string;
      };
    }>;
  };
}
