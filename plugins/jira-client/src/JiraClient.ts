import { adfToText, JiraText, textToAdf } from './adf';
import { JiraClientOptions } from './config';
import { jiraErrorFor, parseJiraErrorBody } from './errors';

/** An issue as Jira returns it; `fields` holds what was asked for. */
export type JiraIssue = {
  id: string;
  key: string;
  self: string;
  fields: Record<string, unknown>;
};

/** What {@link JiraClient.createIssue} returns. */
export type CreatedJiraIssue = {
  id: string;
  key: string;
  self: string;
  /** The issue in the browser: `<baseUrl>/browse/<key>`. */
  url: string;
};

/** Input of {@link JiraClient.createIssue}. */
export type CreateJiraIssueInput = {
  projectKey: string;
  /** Issue type name, e.g. `Epic`, `Task`, `Story`, `Sub-task`. */
  issueType: string;
  summary: string;
  /** Plain text (converted to ADF on v3) or ADF (converted to text on v2). */
  description?: JiraText;
  labels?: string[];
  /** Parent issue: the epic of a story or task, or the parent of a sub-task. */
  parentKey?: string;
  /** Further fields, passed through as they are (e.g. custom fields). */
  fields?: Record<string, unknown>;
};

/** Input of {@link JiraClient.updateIssue}. */
export type UpdateJiraIssueInput = {
  summary?: string;
  description?: JiraText;
  labels?: string[];
  fields?: Record<string, unknown>;
};

/** Input of {@link JiraClient.searchIssues}. */
export type SearchJiraIssuesInput = {
  jql: string;
  /** Fields to return (default: summary, status, labels, issuetype, parent). */
  fields?: string[];
  maxResults?: number;
  /** The `nextPageToken` of the previous page. */
  nextPageToken?: string;
};

/** A page of search results. */
export type JiraSearchPage = {
  issues: JiraIssue[];
  /** Pass to the next call for the next page; absent on the last page. */
  nextPageToken?: string;
};

/** A transition an issue can take from its current status. */
export type JiraTransition = {
  id: string;
  name: string;
  to?: { name: string };
};

const DEFAULT_SEARCH_FIELDS = [
  'summary',
  'status',
  'labels',
  'issuetype',
  'parent',
];

function authorizationHeader(options: JiraClientOptions): string {
  const { auth } = options;
  if ('email' in auth) {
    return `Basic ${Buffer.from(`${auth.email}:${auth.token}`).toString(
      'base64',
    )}`;
  }
  return `Bearer ${auth.token}`;
}

/** Retry-After as milliseconds: delta seconds or an HTTP date. */
export function parseRetryAfter(
  value: string | null,
  now = Date.now(),
): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function issueKeyPath(key: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(key)) {
    throw new TypeError(`Not a Jira issue key or id: ${JSON.stringify(key)}`);
  }
  return encodeURIComponent(key);
}

/**
 * A typed client for the Jira REST API: Cloud (v3, ADF descriptions) and
 * Data Center (v2, text descriptions), with basic (email + API token) or
 * bearer (personal access token) auth. Error answers become {@link JiraError}s;
 * 429 answers are retried after their Retry-After.
 */
export class JiraClient {
  private readonly options: Required<
    Pick<
      JiraClientOptions,
      'maxRetries' | 'maxRetryDelayMs' | 'timeoutMs' | 'fetch'
    >
  > &
    JiraClientOptions;
  private readonly authorization: string;

  constructor(options: JiraClientOptions) {
    if (options.apiVersion !== 2 && options.apiVersion !== 3) {
      throw new TypeError(
        `Jira apiVersion must be 2 or 3, got ${options.apiVersion}`,
      );
    }
    this.options = {
      maxRetries: 3,
      maxRetryDelayMs: 60_000,
      timeoutMs: 30_000,
      fetch: globalThis.fetch,
      ...options,
      baseUrl: options.baseUrl.replace(/\/+$/, ''),
    };
    this.authorization = authorizationHeader(options);
  }

  /** The REST API version in use. */
  get apiVersion(): 2 | 3 {
    return this.options.apiVersion;
  }

  /** The browser URL of an issue. */
  issueUrl(key: string): string {
    return `${this.options.baseUrl}/browse/${encodeURIComponent(key)}`;
  }

  /** Text in the form the API version takes: ADF on v3, text on v2. */
  private text(value: JiraText): unknown {
    if (this.options.apiVersion === 3) {
      return typeof value === 'string' ? textToAdf(value) : value;
    }
    return typeof value === 'string' ? value : adfToText(value);
  }

  private api(path: string): string {
    return `/rest/api/${this.options.apiVersion}${path}`;
  }

  private async request<T>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<T> {
    const request = `${method} ${path}`;
    for (let attempt = 0; ; attempt++) {
      const response = await this.options.fetch(
        `${this.options.baseUrl}${path}`,
        {
          method,
          headers: {
            Authorization: this.authorization,
            Accept: 'application/json',
            ...(body !== undefined
              ? { 'Content-Type': 'application/json' }
              : {}),
          },
          body: body !== undefined ? JSON.stringify(body) : undefined,
          signal: AbortSignal.timeout(this.options.timeoutMs),
        },
      );
      const text = await response.text();
      if (response.ok) {
        return (text ? JSON.parse(text) : undefined) as T;
      }
      const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
      if (
        response.status === 429 &&
        attempt < this.options.maxRetries &&
        (retryAfterMs ?? 0) <= this.options.maxRetryDelayMs
      ) {
        // Without Retry-After, back off exponentially from one second.
        const wait = retryAfterMs ?? Math.min(1000 * 2 ** attempt, 30_000);
        await new Promise(resolve => setTimeout(resolve, wait));
        continue;
      }
      throw jiraErrorFor(
        { status: response.status, request, ...parseJiraErrorBody(text) },
        retryAfterMs,
      );
    }
  }

  /** The project with this key; a JiraNotFoundError when there is none. */
  async getProject(
    key: string,
  ): Promise<{ id: string; key: string; name: string }> {
    return this.request('GET', this.api(`/project/${issueKeyPath(key)}`));
  }

  /** Creates an issue; `parentKey` links it to its epic or parent. */
  async createIssue(input: CreateJiraIssueInput): Promise<CreatedJiraIssue> {
    const fields: Record<string, unknown> = {
      project: { key: input.projectKey },
      issuetype: { name: input.issueType },
      summary: input.summary,
      ...(input.description !== undefined
        ? { description: this.text(input.description) }
        : {}),
      ...(input.labels ? { labels: input.labels } : {}),
    };
    if (input.parentKey) {
      const isSubTask = /^sub-?task$/i.test(input.issueType);
      if (this.options.epicLinkField && !isSubTask) {
        fields[this.options.epicLinkField] = input.parentKey;
      } else {
        fields.parent = { key: input.parentKey };
      }
    }
    Object.assign(fields, input.fields);
    const created = await this.request<{
      id: string;
      key: string;
      self: string;
    }>('POST', this.api('/issue'), { fields });
    return { ...created, url: this.issueUrl(created.key) };
  }

  /** Reads an issue; `fields` limits what is returned. */
  async getIssue(
    key: string,
    options: { fields?: string[] } = {},
  ): Promise<JiraIssue> {
    const query = options.fields
      ? `?fields=${encodeURIComponent(options.fields.join(','))}`
      : '';
    return this.request('GET', this.api(`/issue/${issueKeyPath(key)}${query}`));
  }

  /**
   * One page of issues matching a JQL query: `POST /rest/api/3/search/jql`
   * (token pagination) on v3, `POST /rest/api/2/search` (offset pagination)
   * on v2. Both page with `nextPageToken`.
   */
  async searchIssues(input: SearchJiraIssuesInput): Promise<JiraSearchPage> {
    const fields = input.fields ?? DEFAULT_SEARCH_FIELDS;
    const maxResults = input.maxResults ?? 50;
    if (this.options.apiVersion === 3) {
      const page = await this.request<{
        issues: JiraIssue[];
        nextPageToken?: string;
      }>('POST', this.api('/search/jql'), {
        jql: input.jql,
        fields,
        maxResults,
        ...(input.nextPageToken ? { nextPageToken: input.nextPageToken } : {}),
      });
      return {
        issues: page.issues,
        ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : {}),
      };
    }
    const startAt = input.nextPageToken ? Number(input.nextPageToken) : 0;
    if (!Number.isInteger(startAt) || startAt < 0) {
      throw new TypeError(
        `Not a page token of this client: ${input.nextPageToken}`,
      );
    }
    const page = await this.request<{
      issues: JiraIssue[];
      startAt: number;
      total: number;
    }>('POST', this.api('/search'), {
      jql: input.jql,
      fields,
      maxResults,
      startAt,
    });
    const next = page.startAt + page.issues.length;
    return {
      issues: page.issues,
      ...(page.issues.length > 0 && next < page.total
        ? { nextPageToken: String(next) }
        : {}),
    };
  }

  /** Every issue matching a JQL query, page by page. */
  async *searchAllIssues(
    input: Omit<SearchJiraIssuesInput, 'nextPageToken'>,
  ): AsyncGenerator<JiraIssue> {
    let nextPageToken: string | undefined;
    do {
      const page = await this.searchIssues({ ...input, nextPageToken });
      yield* page.issues;
      nextPageToken = page.nextPageToken;
    } while (nextPageToken);
  }

  /** Changes the given fields of an issue. */
  async updateIssue(key: string, input: UpdateJiraIssueInput): Promise<void> {
    const fields: Record<string, unknown> = { ...input.fields };
    if (input.summary !== undefined) fields.summary = input.summary;
    if (input.description !== undefined) {
      fields.description = this.text(input.description);
    }
    if (input.labels !== undefined) fields.labels = input.labels;
    await this.request('PUT', this.api(`/issue/${issueKeyPath(key)}`), {
      fields,
    });
  }

  /** Adds a comment; returns its id. */
  async addComment(key: string, body: JiraText): Promise<{ id: string }> {
    const comment = await this.request<{ id: string }>(
      'POST',
      this.api(`/issue/${issueKeyPath(key)}/comment`),
      { body: this.text(body) },
    );
    return { id: comment.id };
  }

  /** The transitions the issue can take now. */
  async listTransitions(key: string): Promise<JiraTransition[]> {
    const answer = await this.request<{ transitions: JiraTransition[] }>(
      'GET',
      this.api(`/issue/${issueKeyPath(key)}/transitions`),
    );
    return answer.transitions;
  }

  /**
   * Moves an issue through a transition, given by id or by name (the
   * transition's or its target status's, case-insensitive). Returns the
   * transition taken; a JiraError listing the available ones when none fits.
   */
  async transitionIssue(
    key: string,
    transition: { id: string } | { name: string },
  ): Promise<JiraTransition> {
    const available = await this.listTransitions(key);
    const wanted =
      'id' in transition
        ? available.find(t => t.id === transition.id)
        : available.find(
            t =>
              t.name.toLowerCase() === transition.name.toLowerCase() ||
              t.to?.name.toLowerCase() === transition.name.toLowerCase(),
          );
    if (!wanted) {
      throw jiraErrorFor({
        status: 400,
        request: `POST ${this.api(`/issue/${key}/transitions`)}`,
        errorMessages: [
          `Issue ${key} has no transition ${JSON.stringify(
            'id' in transition ? transition.id : transition.name,
          )}; available: ${
            available.map(t => `${t.name} (${t.id})`).join(', ') || 'none'
          }`,
        ],
        fieldErrors: {},
      });
    }
    await this.request(
      'POST',
      this.api(`/issue/${issueKeyPath(key)}/transitions`),
      { transition: { id: wanted.id } },
    );
    return wanted;
  }

  /** Links two issues, e.g. type `Relates` or `Blocks` (outward blocks inward). */
  async createIssueLink(input: {
    type: string;
    inwardKey: string;
    outwardKey: string;
  }): Promise<void> {
    await this.request('POST', this.api('/issueLink'), {
      type: { name: input.type },
      inwardIssue: { key: input.inwardKey },
      outwardIssue: { key: input.outwardKey },
    });
  }

  /**
   * Links an issue to a URL (a "remote link"). With the same `globalId`
   * Jira updates the existing link instead of adding a second one, so the
   * call can be retried safely; it defaults to the URL.
   */
  async addRemoteLink(
    key: string,
    link: { url: string; title: string; globalId?: string },
  ): Promise<{ id: number }> {
    const answer = await this.request<{ id: number }>(
      'POST',
      this.api(`/issue/${issueKeyPath(key)}/remotelink`),
      {
        globalId: link.globalId ?? link.url,
        object: { url: link.url, title: link.title },
      },
    );
    return { id: answer.id };
  }
}
