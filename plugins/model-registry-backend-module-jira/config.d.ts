export interface Config {
  modelRegistry?: {
    /** Jira issues for registry events; the module is off without this key. */
    jira?: {
      /** The site, e.g. `https://acme.atlassian.net` (no `/rest/api`). */
      baseUrl: string;
      /** 3 for Jira Cloud (ADF), 2 for Data Center; default 3 on *.atlassian.net, else 2. */
      apiVersion?: 2 | 3;
      auth: {
        /** Cloud: the account email (basic auth with the API token). Leave out for a Data Center personal access token (bearer). */
        email?: string;
        /**
         * API token (Cloud) or personal access token (Data Center).
         * @visibility secret
         */
        token: string;
      };
      /** Data Center only: the Epic Link custom field, e.g. `customfield_10101`. */
      epicLinkField?: string;
      /** Issue types to create. */
      issueTypes?: {
        /** @default Epic */
        epic?: string;
        /** The validate-and-deploy issue of a new version. @default Task */
        version?: string;
        /** The incident of a model in an environment. @default Bug */
        incident?: string;
      };
    };
  };
}
