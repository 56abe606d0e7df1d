import { Config } from '@backstage/config';

/** How the client authenticates. */
export type JiraAuth =
  /** Jira Cloud: account email and API token, sent as HTTP basic auth. */
  | { email: string; token: string }
  /** Jira Data Center: a personal access token, sent as a bearer token. */
  | { token: string };

/** Options of a {@link JiraClient}. */
export type JiraClientOptions = {
  /** Base URL of the site, e.g. `https://acme.atlassian.net`; no trailing `/rest`. */
  baseUrl: string;
  /** REST API version: 3 for Jira Cloud (ADF), 2 for Jira Data Center. */
  apiVersion: 2 | 3;
  auth: JiraAuth;
  /**
   * Data Center only: the custom field holding an issue's epic (e.g.
   * `customfield_10101`). When set, `parentKey` of a non-sub-task issue is
   * written to this field instead of `parent`.
   */
  epicLinkField?: string;
  /** How many times a 429 answer is retried after its Retry-After (default 3). */
  maxRetries?: number;
  /** Longest Retry-After honoured, in milliseconds (default 60 000); longer fails at once. */
  maxRetryDelayMs?: number;
  /** Per-request timeout in milliseconds (default 30 000). */
  timeoutMs?: number;
  /** The fetch implementation (default: the global fetch). */
  fetch?: typeof fetch;
};

/** The config block {@link readJiraConfig} reads. */
export type JiraConfig = {
  baseUrl: string;
  apiVersion?: 2 | 3;
  epicLinkField?: string;
  auth: { email?: string; token: string };
};

function fail(path: string, problem: string): never {
  throw new Error(`Invalid Jira configuration at ${path}: ${problem}`);
}

/**
 * Reads client options from a config block
 * `{ baseUrl, apiVersion?, epicLinkField?, auth: { email, token } | { token } }`.
 *
 * `apiVersion` defaults to 3 for `*.atlassian.net` and 2 otherwise.
 * `path` names the block in error messages (e.g. `modelRegistry.jira`).
 * Every problem is an error naming the key and what is expected.
 */
export function readJiraConfig(
  config: Config,
  options: { path?: string } = {},
): JiraClientOptions {
  const path = options.path ?? 'jira';
  const baseUrlText = config.getOptionalString('baseUrl');
  if (!baseUrlText) fail(path, '"baseUrl" is required');
  let url: URL;
  try {
    url = new URL(baseUrlText);
  } catch {
    fail(path, `"baseUrl" is not a URL: ${baseUrlText}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    fail(path, `"baseUrl" must be an http(s) URL, got ${baseUrlText}`);
  }
  if (/\/rest(\/|$)/.test(url.pathname)) {
    fail(
      path,
      `"baseUrl" must be the site URL without /rest/api, got ${baseUrlText}`,
    );
  }
  const baseUrl = baseUrlText.replace(/\/+$/, '');

  const versionValue = config.getOptional('apiVersion');
  let apiVersion: 2 | 3;
  if (versionValue === undefined) {
    apiVersion = url.hostname.endsWith('.atlassian.net') ? 3 : 2;
  } else if (versionValue === 2 || versionValue === '2') {
    apiVersion = 2;
  } else if (versionValue === 3 || versionValue === '3') {
    apiVersion = 3;
  } else {
    fail(
      path,
      `"apiVersion" must be 2 (Data Center) or 3 (Cloud), got ${JSON.stringify(
        versionValue,
      )}`,
    );
  }

  if (!config.has('auth')) {
    fail(
      path,
      '"auth" is required: { email, token } for Jira Cloud or { token } for a Data Center personal access token',
    );
  }
  const auth = config.getConfig('auth');
  const token = auth.getOptionalString('token');
  const email = auth.getOptionalString('email');
  if (!token) fail(path, '"auth.token" is required');
  if (email !== undefined && !email.includes('@')) {
    fail(path, `"auth.email" is not an email address: ${email}`);
  }

  const epicLinkField = config.getOptionalString('epicLinkField');
  if (epicLinkField !== undefined && !/^customfield_\d+$/.test(epicLinkField)) {
    fail(
      path,
      `"epicLinkField" must be a custom field id like customfield_10101, got ${epicLinkField}`,
    );
  }

  return {
    baseUrl,
    apiVersion,
    auth: email ? { email, token } : { token },
    ...(epicLinkField ? { epicLinkField } : {}),
  };
}
