import http from 'node:http';
import { AddressInfo } from 'node:net';
import path from 'node:path';
import { ensureBareRepository } from '../hosts/git';
import { serveHostGit } from './gitRepos';

/** A repository the fake GitHub holds. */
export type FakeGithubRepo = {
  owner: string;
  name: string;
  description?: string;
  private: boolean;
  topics: string[];
  protection?: unknown;
  hooks: {
    id: number;
    config: { url: string; secret?: string };
    events: string[];
  }[];
  gitDir: string;
};

/**
 * A local HTTP server implementing the GitHub REST endpoints
 * `model-registry:repo:create` calls (users, org and user repositories,
 * topics, branch protection, webhooks) and git's smart HTTP for pushes,
 * with GitHub's status codes and error bodies.
 */
export async function startFakeGithub(options: {
  gitRoot: string;
  token?: string;
  organizations?: string[];
  user?: string;
  /** Base of the web URLs it answers with (default: its own URL), e.g. https://github.com. */
  webBaseUrl?: string;
  /** Answer branch protection with 403, as GitHub does for private repositories on free plans. */
  protectionForbidden?: boolean;
}) {
  const token = options.token ?? 'gh-token';
  const organizations = new Set(options.organizations ?? ['acme']);
  const user = options.user ?? 'octocat';
  const repos = new Map<string, FakeGithubRepo>();
  const requests: { method: string; path: string; body: any }[] = [];
  const faults: {
    method: string;
    path: RegExp;
    status: number;
    message: string;
  }[] = [];
  let hookId = 1;
  let base = '';

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname.startsWith('/git/')) {
      serveHostGit({
        req,
        res,
        pathname: url.pathname,
        gitRoot: options.gitRoot,
        token,
        realm: 'GitHub',
      });
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', c => chunks.push(c));
    req.on('end', async () => {
      const text = Buffer.concat(chunks).toString();
      const body = text ? JSON.parse(text) : undefined;
      const method = req.method ?? 'GET';
      const p = url.pathname.replace(/^\/api\/v3/, '');
      requests.push({ method, path: p, body });
      const send = (status: number, data?: unknown) => {
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(data === undefined ? undefined : JSON.stringify(data));
      };
      const error = (status: number, message: string, errors?: unknown[]) =>
        send(status, {
          message,
          documentation_url: 'https://docs.github.com/rest',
          ...(errors ? { errors } : {}),
        });
      if (
        req.headers.authorization !== `token ${token}` &&
        req.headers.authorization !== `Bearer ${token}`
      ) {
        error(401, 'Bad credentials');
        return;
      }
      const fault = faults.findIndex(
        f => f.method === method && f.path.test(p),
      );
      if (fault >= 0) {
        const [f] = faults.splice(fault, 1);
        error(f.status, f.message);
        return;
      }
      const userMatch = p.match(/^\/users\/([^/]+)$/);
      if (userMatch && method === 'GET') {
        const login = decodeURIComponent(userMatch[1]);
        if (organizations.has(login))
          send(200, { login, type: 'Organization' });
        else if (login === user) send(200, { login, type: 'User' });
        else error(404, 'Not Found');
        return;
      }
      const create = async (owner: string) => {
        const key = `${owner}/${body.name}`;
        if (repos.has(key)) {
          error(422, 'Repository creation failed.', [
            {
              resource: 'Repository',
              code: 'custom',
              field: 'name',
              message: 'name already exists on this account',
            },
          ]);
          return;
        }
        const gitDir = path.join(options.gitRoot, owner, `${body.name}.git`);
        await ensureBareRepository(gitDir, 'main');
        repos.set(key, {
          owner,
          name: body.name,
          description: body.description,
          private: body.private,
          topics: [],
          hooks: [],
          gitDir,
        });
        send(201, {
          name: body.name,
          full_name: key,
          html_url: `${options.webBaseUrl ?? base}/${key}`,
          clone_url: `${base}/git/${key}.git`,
          private: body.private,
        });
      };
      const orgMatch = p.match(/^\/orgs\/([^/]+)\/repos$/);
      if (orgMatch && method === 'POST') {
        const org = decodeURIComponent(orgMatch[1]);
        if (!organizations.has(org)) error(404, 'Not Found');
        else await create(org);
        return;
      }
      if (p === '/user/repos' && method === 'POST') {
        await create(user);
        return;
      }
      const repoMatch = p.match(/^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/);
      if (repoMatch) {
        const repo = repos.get(`${repoMatch[1]}/${repoMatch[2]}`);
        const rest = repoMatch[3] ?? '';
        if (!repo) {
          error(404, 'Not Found');
          return;
        }
        if (rest === '/topics' && method === 'PUT') {
          repo.topics = body.names;
          send(200, { names: repo.topics });
          return;
        }
        const branch = rest.match(/^\/branches\/([^/]+)\/protection$/);
        if (branch && method === 'PUT') {
          if (options.protectionForbidden) {
            error(
              403,
              'Upgrade to GitHub Pro or make this repository public to enable this feature.',
            );
            return;
          }
          repo.protection = body;
          send(200, { url: `${base}${p}` });
          return;
        }
        if (rest === '/hooks' && method === 'GET') {
          send(200, repo.hooks);
          return;
        }
        if (rest === '/hooks' && method === 'POST') {
          const hook = {
            id: hookId++,
            config: body.config,
            events: body.events,
          };
          repo.hooks.push(hook);
          send(201, hook);
          return;
        }
      }
      error(404, 'Not Found');
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseUrl: base,
    apiBaseUrl: `${base}/api/v3`,
    host: new URL(base).host,
    token,
    repos,
    requests,
    /** Answers the next matching request with this status and message. */
    failNext(
      method: string,
      pathPattern: RegExp,
      status: number,
      message: string,
    ) {
      faults.push({ method, path: pathPattern, status, message });
    },
    close: () => new Promise<void>(resolve => server.close(() => resolve())),
  };
}
