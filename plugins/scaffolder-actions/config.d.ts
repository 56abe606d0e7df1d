export interface Config {
  modelRegistry?: {
    scaffolder?: {
      /**
       * The local directory of bare git repositories that repoUrl host
       * "local" creates repositories in (the embedded default's remote).
       */
      localGit?: {
        /** Directory of the bare repositories; relative paths are relative to the backend's working directory. */
        rootDir: string;
        /**
         * Serve the repositories read-only over HTTP (git clone / fetch) at
         * /api/scaffolder/local-git/, without authentication, so that the
         * repository link of a model works. For a single-user portal only.
         */
        serve?: boolean;
      };
      /** Jenkins, for model-registry:pipeline:create's jenkinsJob. */
      jenkins?: {
        /** e.g. https://jenkins.acme.example */
        baseUrl: string;
        /** User the API token belongs to. */
        username: string;
        /**
         * API token of that user.
         * @visibility secret
         */
        apiToken: string;
      };
    };
    /** Jira, for model-registry:jira:epic:create (read with readJiraConfig of @mlreg/jira-client). */
    jira?: {
      /** The site URL, e.g. https://acme.atlassian.net, without /rest/api. */
      baseUrl: string;
      /** 3 for Jira Cloud (default for *.atlassian.net), 2 for Data Center. */
      apiVersion?: 2 | 3;
      /** Data Center only: the Epic Link custom field, e.g. customfield_10101. */
      epicLinkField?: string;
      auth: {
        /** Jira Cloud: the account's email; leave out for a Data Center personal access token. */
        email?: string;
        /**
         * API token (Cloud) or personal access token (Data Center).
         * @visibility secret
         */
        token: string;
      };
    };
    github?: {
      /**
       * Secret of the registry's GitHub webhook. When set,
       * model-registry:repo:create adds the webhook to each repository it
       * creates on GitHub.
       * @visibility secret
       */
      webhookSecret?: string;
      /** URL of the webhook; default: the registry's external base URL + /webhooks/github. */
      webhookUrl?: string;
    };
  };
}
