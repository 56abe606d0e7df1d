import http from 'node:http';
import { AddressInfo } from 'node:net';
import { describeInvalidAdf } from '../adf';

/** An issue the test server holds. */
export type JiraTestIssue = {
  id: string;
  key: string;
  projectKey: string;
  issueType: string;
  summary: string;
  /** ADF document (v3) or text (v2), as it was sent. */
  description?: unknown;
  labels: string[];
  parentKey?: string;
  status: string;
  /** Every other field that was sent (custom fields). */
  otherFields: Record<string, unknown>;
  comments: { id: string; body: unknown }[];
  remoteLinks: { id: number; globalId: string; url: string; title: string }[];
};

/** A request the test server received. */
export type JiraTestRequest = {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: unknown;
};

/** An answer to force on a request, for error paths and chaos tests. */
export type JiraTestFault = {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
};

/** Options of {@link startJiraTestServer}. */
export type JiraTestServerOptions = {
  /** Accepted credentials; default: basic `jira@example.com` / `api-token` and bearer `pat-token`. */
  credentials?: { email?: string; token: string }[];
  /** Projects that exist; default: MLR and OPS. */
  projects?: { key: string; name?: string }[];
  /** Issue types that exist; default: Epic, Story, Task, Bug, Sub-task. */
  issueTypes?: string[];
  /**
   * Called before each authenticated request: return a fault to answer with
   * it instead (e.g. 429 with Retry-After, 500) or undefined to serve it.
   */
  fault?: (request: JiraTestRequest) => JiraTestFault | undefined;
};

/** A running Jira test server. */
export type JiraTestServer = {
  /** The site URL to configure as `baseUrl`. */
  baseUrl: string;
  /** Issues by key. */
  issues: Map<string, JiraTestIssue>;
  /** Issue links created through `/issueLink`. */
  issueLinks: { type: string; inwardKey: string; outwardKey: string }[];
  /** Every request received, in order. */
  requests: JiraTestRequest[];
  /** Answers the next request matching `method` and `path` (a regex on the path) with `fault`. */
  failNext(
    match: { method?: string; path?: RegExp },
    fault: JiraTestFault,
  ): void;
  close(): Promise<void>;
};

const TRANSITIONS = [
  { id: '11', name: 'To Do', to: { name: 'To Do' } },
  { id: '21', name: 'Start progress', to: { name: 'In Progress' } },
  { id: '31', name: 'Done', to: { name: 'Done' } },
];

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly errorMessages: string[],
    readonly errors: Record<string, string> = {},
  ) {
    super(errorMessages.join('; '));
  }
}

function badRequest(errors: Record<string, string>): HttpError {
  return new HttpError(400, [], errors);
}

function issueNotFound(): HttpError {
  return new HttpError(404, [
    'Issue does not exist or you do not have permission to see it.',
  ]);
}

type Clause = { field: string; op: string; values: string[] };

/** The subset of JQL the server evaluates: `field op value` joined by AND. */
function parseJql(jql: string): Clause[] {
  const withoutOrder = jql.replace(/(^|\s+)order\s+by\s+.*$/i, '').trim();
  if (!withoutOrder) return [];
  return withoutOrder.split(/\s+and\s+/i).map(part => {
    const m = part.trim().match(/^([\w]+)\s*(=|!=|~|not\s+in|in)\s*(.+)$/i);
    if (!m) {
      throw new HttpError(400, [
        `Error in the JQL Query: cannot parse '${part.trim()}'.`,
      ]);
    }
    const [, field, rawOp, rawValue] = m;
    const op = rawOp.toLowerCase().replace(/\s+/, ' ');
    const unquote = (v: string) => v.trim().replace(/^["'](.*)["']$/, '$1');
    const values = op.endsWith('in')
      ? rawValue
          .trim()
          .replace(/^\((.*)\)$/, '$1')
          .split(',')
          .map(unquote)
      : [unquote(rawValue)];
    return { field: field.toLowerCase(), op, values };
  });
}

function fieldValues(issue: JiraTestIssue, field: string): string[] {
  switch (field) {
    case 'project':
      return [issue.projectKey];
    case 'key':
    case 'issuekey':
      return [issue.key];
    case 'labels':
      return issue.labels;
    case 'parent':
      return issue.parentKey ? [issue.parentKey] : [];
    case 'issuetype':
      return [issue.issueType];
    case 'status':
      return [issue.status];
    case 'statuscategory':
      if (issue.status === 'Done' || issue.status === 'To Do') {
        return [issue.status];
      }
      return ['In Progress'];
    case 'summary':
      return [issue.summary];
    default:
      throw new HttpError(400, [
        `Field '${field}' does not exist or you do not have permission to view it.`,
      ]);
  }
}

function matches(issue: JiraTestIssue, clauses: Clause[]): boolean {
  return clauses.every(({ field, op, values }) => {
    const actual = fieldValues(issue, field).map(v => v.toLowerCase());
    const wanted = values.map(v => v.toLowerCase());
    switch (op) {
      case '=':
      case 'in':
        return wanted.some(v => actual.includes(v));
      case '!=':
      case 'not in':
        return !wanted.some(v => actual.includes(v));
      default:
        return actual.some(a => a.includes(wanted[0]));
    }
  });
}

/**
 * Starts a local HTTP server implementing the Jira REST endpoints
 * `@mlreg/jira-client` calls, for Cloud (`/rest/api/3`, ADF checked) and
 * Data Center (`/rest/api/2`, text descriptions), with Jira's error bodies
 * (`errorMessages`, `errors`) and auth checks (basic and bearer).
 */
export async function startJiraTestServer(
  options: JiraTestServerOptions = {},
): Promise<JiraTestServer> {
  const credentials = options.credentials ?? [
    { email: 'jira@example.com', token: 'api-token' },
    { token: 'pat-token' },
  ];
  const projects = new Map(
    (options.projects ?? [{ key: 'MLR' }, { key: 'OPS' }]).map((p, i) => [
      p.key,
      { id: String(10000 + i), key: p.key, name: p.name ?? p.key },
    ]),
  );
  const issueTypes = options.issueTypes ?? [
    'Epic',
    'Story',
    'Task',
    'Bug',
    'Sub-task',
  ];
  const issues = new Map<string, JiraTestIssue>();
  const issueLinks: JiraTestServer['issueLinks'] = [];
  const requests: JiraTestRequest[] = [];
  const pendingFaults: {
    method?: string;
    path?: RegExp;
    fault: JiraTestFault;
  }[] = [];
  let nextId = 10000;
  let nextLinkId = 1;
  const counters = new Map<string, number>();
  let baseUrl = '';

  function authorized(header: string | undefined): boolean {
    if (!header) return false;
    const [scheme, value] = header.split(' ', 2);
    if (scheme === 'Bearer') {
      return credentials.some(c => !c.email && c.token === value);
    }
    if (scheme === 'Basic') {
      const decoded = Buffer.from(value ?? '', 'base64').toString();
      return credentials.some(
        c => c.email && `${c.email}:${c.token}` === decoded,
      );
    }
    return false;
  }

  function getIssue(key: string): JiraTestIssue {
    const issue =
      issues.get(key) ?? [...issues.values()].find(i => i.id === key);
    if (!issue) throw issueNotFound();
    return issue;
  }

  function checkText(version: string, field: string, value: unknown): void {
    if (version === '3') {
      const problem = describeInvalidAdf(value);
      if (problem) {
        throw badRequest({
          [field]: `Operation value must be an Atlassian Document (${problem})`,
        });
      }
    } else if (typeof value !== 'string') {
      throw badRequest({ [field]: 'Operation value must be a string' });
    }
  }

  function representation(issue: JiraTestIssue, version: string) {
    return {
      id: issue.id,
      key: issue.key,
      self: `${baseUrl}/rest/api/${version}/issue/${issue.id}`,
      fields: {
        summary: issue.summary,
        description: issue.description ?? null,
        labels: issue.labels,
        issuetype: { name: issue.issueType },
        project: { key: issue.projectKey },
        status: { name: issue.status },
        ...(issue.parentKey ? { parent: { key: issue.parentKey } } : {}),
        ...issue.otherFields,
      },
    };
  }

  function applyFields(
    issue: JiraTestIssue,
    fields: Record<string, unknown>,
    version: string,
  ) {
    for (const [name, value] of Object.entries(fields)) {
      if (name === 'summary') {
        if (typeof value !== 'string' || !value.trim()) {
          throw badRequest({
            summary: 'You must specify a summary of the issue.',
          });
        }
        if (value.length > 255) {
          throw badRequest({
            summary: 'Summary must be less than 255 characters.',
          });
        }
        issue.summary = value;
      } else if (name === 'description') {
        if (value !== null) checkText(version, 'description', value);
        issue.description = value ?? undefined;
      } else if (name === 'labels') {
        if (
          !Array.isArray(value) ||
          value.some(l => typeof l !== 'string' || /\s/.test(l) || !l)
        ) {
          throw badRequest({ labels: 'The label must not contain spaces.' });
        }
        issue.labels = value as string[];
      } else if (name === 'parent') {
        const key = (value as { key?: unknown })?.key;
        if (typeof key !== 'string' || !issues.has(key)) {
          throw badRequest({ parent: `Could not find issue by id or key.` });
        }
        issue.parentKey = key;
      } else if (name !== 'project' && name !== 'issuetype') {
        issue.otherFields[name] = value;
      }
    }
  }

  function createIssue(body: any, version: string) {
    const fields = body?.fields;
    if (!fields || typeof fields !== 'object') {
      throw new HttpError(400, ['Field fields is required.']);
    }
    const projectKey = fields.project?.key;
    if (typeof projectKey !== 'string' || !projects.has(projectKey)) {
      throw badRequest({ project: 'valid project is required' });
    }
    const issueType = fields.issuetype?.name;
    if (typeof issueType !== 'string' || !issueTypes.includes(issueType)) {
      throw badRequest({
        issuetype: 'Specify an issue type',
      });
    }
    if (fields.summary === undefined) {
      throw badRequest({ summary: 'You must specify a summary of the issue.' });
    }
    if (issueType === 'Sub-task' && !fields.parent) {
      throw badRequest({
        parent:
          'Issue type is a sub-task but parent issue key or id not specified.',
      });
    }
    const n = (counters.get(projectKey) ?? 0) + 1;
    const issue: JiraTestIssue = {
      id: String(nextId++),
      key: `${projectKey}-${n}`,
      projectKey,
      issueType,
      summary: '',
      labels: [],
      status: 'To Do',
      otherFields: {},
      comments: [],
      remoteLinks: [],
    };
    applyFields(issue, fields, version);
    counters.set(projectKey, n);
    issues.set(issue.key, issue);
    return {
      status: 201,
      body: {
        id: issue.id,
        key: issue.key,
        self: `${baseUrl}/rest/api/${version}/issue/${issue.id}`,
      },
    };
  }

  function search(body: any, version: string, tokenPaging: boolean) {
    if (typeof body?.jql !== 'string') {
      throw new HttpError(400, ['JQL query is required.']);
    }
    const clauses = parseJql(body.jql);
    if (tokenPaging && clauses.length === 0) {
      throw new HttpError(400, [
        'Unbounded JQL queries are not allowed here. Please add a search restriction to your query.',
      ]);
    }
    const all = [...issues.values()].filter(i => matches(i, clauses));
    const maxResults = Math.min(Number(body.maxResults ?? 50), 100);
    const startAt = tokenPaging
      ? Number(
          body.nextPageToken
            ? Buffer.from(String(body.nextPageToken), 'base64url').toString()
            : 0,
        )
      : Number(body.startAt ?? 0);
    if (!Number.isInteger(startAt) || startAt < 0) {
      throw new HttpError(400, ['Invalid page token.']);
    }
    const page = all
      .slice(startAt, startAt + maxResults)
      .map(i => representation(i, version));
    const next = startAt + page.length;
    if (tokenPaging) {
      return {
        status: 200,
        body: {
          issues: page,
          isLast: next >= all.length,
          ...(next < all.length
            ? {
                nextPageToken: Buffer.from(String(next)).toString('base64url'),
              }
            : {}),
        },
      };
    }
    return {
      status: 200,
      body: { startAt, maxResults, total: all.length, issues: page },
    };
  }

  function route(
    method: string,
    path: string,
    body: any,
  ): { status: number; body?: unknown } {
    const m = path.match(/^\/rest\/api\/(2|3)(\/[^?]*)/);
    if (!m) throw new HttpError(404, [`No endpoint ${path}`]);
    const [, version, rest] = m;
    const projectPath = rest.match(/^\/project\/([^/]+)$/);
    if (projectPath && method === 'GET') {
      const project = projects.get(decodeURIComponent(projectPath[1]));
      if (!project) {
        throw new HttpError(404, [
          `No project could be found with key '${decodeURIComponent(
            projectPath[1],
          )}'.`,
        ]);
      }
      return { status: 200, body: project };
    }
    if (rest === '/issue' && method === 'POST')
      return createIssue(body, version);
    if (rest === '/issueLink' && method === 'POST') {
      const type = body?.type?.name;
      const inwardKey = body?.inwardIssue?.key;
      const outwardKey = body?.outwardIssue?.key;
      if (typeof type !== 'string' || !type) {
        throw new HttpError(404, ['No issue link type with name was found.']);
      }
      getIssue(inwardKey);
      getIssue(outwardKey);
      issueLinks.push({ type, inwardKey, outwardKey });
      return { status: 201 };
    }
    if (version === '3' && rest === '/search/jql' && method === 'POST') {
      return search(body, version, true);
    }
    if (version === '2' && rest === '/search' && method === 'POST') {
      return search(body, version, false);
    }
    const p = rest.match(/^\/issue\/([^/]+)(\/[a-z]+)?$/);
    if (p) {
      const issue = getIssue(decodeURIComponent(p[1]));
      const sub = p[2];
      if (!sub && method === 'GET') {
        return { status: 200, body: representation(issue, version) };
      }
      if (!sub && method === 'PUT') {
        const fields = body?.fields;
        if (!fields || typeof fields !== 'object') {
          throw new HttpError(400, ['Field fields is required.']);
        }
        const copy = { ...issue, otherFields: { ...issue.otherFields } };
        applyFields(copy, fields, version);
        issues.set(issue.key, copy);
        return { status: 204 };
      }
      if (sub === '/comment' && method === 'POST') {
        checkText(version, 'comment', body?.body);
        const comment = { id: String(nextId++), body: body.body };
        issue.comments.push(comment);
        return {
          status: 201,
          body: {
            ...comment,
            self: `${baseUrl}/rest/api/${version}/issue/${issue.id}/comment/${comment.id}`,
          },
        };
      }
      if (sub === '/transitions' && method === 'GET') {
        return {
          status: 200,
          body: {
            transitions: TRANSITIONS.filter(t => t.to.name !== issue.status),
          },
        };
      }
      if (sub === '/transitions' && method === 'POST') {
        const t = TRANSITIONS.find(x => x.id === body?.transition?.id);
        if (!t || t.to.name === issue.status) {
          throw new HttpError(400, [
            `Transition id '${body?.transition?.id}' is not valid for this issue.`,
          ]);
        }
        issue.status = t.to.name;
        return { status: 204 };
      }
      if (sub === '/remotelink' && method === 'POST') {
        const url = body?.object?.url;
        const title = body?.object?.title;
        if (typeof url !== 'string' || typeof title !== 'string') {
          throw badRequest({
            [typeof url !== 'string' ? 'url' : 'title']: 'Field is required.',
          });
        }
        const globalId = String(body.globalId ?? url);
        const existing = issue.remoteLinks.find(l => l.globalId === globalId);
        if (existing) {
          Object.assign(existing, { url, title });
          return { status: 200, body: { id: existing.id } };
        }
        const link = { id: nextLinkId++, globalId, url, title };
        issue.remoteLinks.push(link);
        return { status: 201, body: { id: link.id } };
      }
    }
    throw new HttpError(404, [`No endpoint ${method} ${path}`]);
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', c => chunks.push(c));
    req.on('end', () => {
      const send = (
        status: number,
        body?: unknown,
        headers: Record<string, string> = {},
      ) => {
        res.writeHead(status, {
          ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
          ...headers,
        });
        res.end(body !== undefined ? JSON.stringify(body) : undefined);
      };
      const text = Buffer.concat(chunks).toString();
      let body: unknown;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        send(400, {
          errorMessages: ['Unexpected character in JSON body.'],
          errors: {},
        });
        return;
      }
      const request: JiraTestRequest = {
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        headers: req.headers,
        body,
      };
      requests.push(request);
      if (!authorized(req.headers.authorization)) {
        send(401, {
          errorMessages: [
            'You are not authenticated. Authentication required to perform this operation.',
          ],
          errors: {},
        });
        return;
      }
      const index = pendingFaults.findIndex(
        f =>
          (!f.method || f.method === request.method) &&
          (!f.path || f.path.test(request.path)),
      );
      const fault =
        index >= 0
          ? pendingFaults.splice(index, 1)[0].fault
          : options.fault?.(request);
      if (fault) {
        send(
          fault.status,
          fault.body ?? {
            errorMessages: [`Forced ${fault.status}`],
            errors: {},
          },
          fault.headers,
        );
        return;
      }
      try {
        const answer = route(request.method, request.path, body);
        send(answer.status, answer.body);
      } catch (error) {
        if (error instanceof HttpError) {
          send(error.status, {
            errorMessages: error.errorMessages,
            errors: error.errors,
          });
        } else {
          send(500, { errorMessages: [String(error)], errors: {} });
        }
      }
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseUrl,
    issues,
    issueLinks,
    requests,
    failNext(match, fault) {
      pendingFaults.push({ ...match, fault });
    },
    close: () =>
      new Promise<void>((resolve, reject) =>
        server.close(err => (err ? reject(err) : resolve())),
      ),
  };
}
