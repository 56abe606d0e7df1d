import http from 'node:http';
import { AddressInfo } from 'node:net';
import path from 'node:path';
import { ensureBareRepository } from '../hosts/git';
import { serveHostGit } from './gitRepos';

/** A project the fake GitLab holds. */
export type FakeGitlabProject = {
  id: number;
  namespace: string;
  path: string;
  description?: string;
  visibility: string;
  topics: string[];
  defaultBranch?: string;
  protectedBranches: {
    name: string;
    push_access_level: number;
    merge_access_level: number;
  }[];
  gitDir: string;
};

/**
 * A local HTTP server implementing the GitLab REST v4 endpoints
 * `model-registry:repo:create` calls (namespaces, projects, protected
 * branches) and git's smart HTTP for pushes, with GitLab's error bodies.
 */
export async function startFakeGitlab(options: {
  /** Base of the web URLs it answers with (default: its own URL), e.g. https://gitlab.com. */
  webBaseUrl?: string;
  gitRoot: string;
  token?: string;
  namespaces?: string[];
}) {
  const token = options.token ?? 'gl-token';
  const namespaces = new Map(
    (options.namespaces ?? ['ml']).map((n, i) => [
      n,
      { id: 100 + i, full_path: n },
    ]),
  );
  const projects = new Map<string, FakeGitlabProject>();
  const faults: {
    method: string;
    path: RegExp;
    status: number;
    message: unknown;
  }[] = [];
  let nextId = 1;
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
        realm: 'GitLab',
        user: 'oauth2',
      });
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', c => chunks.push(c));
    req.on('end', async () => {
      const text = Buffer.concat(chunks).toString();
      const body = text ? JSON.parse(text) : undefined;
      const method = req.method ?? 'GET';
      const p = url.pathname.replace(/^\/api\/v4/, '');
      const send = (status: number, data: unknown) => {
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(data));
      };
      if (
        req.headers['private-token'] !== token &&
        req.headers.authorization !== `Bearer ${token}`
      ) {
        send(401, { message: '401 Unauthorized' });
        return;
      }
      const fault = faults.findIndex(
        f => f.method === method && f.path.test(p),
      );
      if (fault >= 0) {
        const [f] = faults.splice(fault, 1);
        send(f.status, { message: f.message });
        return;
      }
      const namespaceMatch = p.match(/^\/namespaces\/([^/]+)$/);
      if (namespaceMatch && method === 'GET') {
        const ns = namespaces.get(decodeURIComponent(namespaceMatch[1]));
        if (ns) send(200, { ...ns, kind: 'group' });
        else send(404, { message: '404 Namespace Not Found' });
        return;
      }
      if (p === '/projects' && method === 'POST') {
        const ns = [...namespaces.entries()].find(
          ([, n]) => n.id === body.namespace_id,
        );
        if (!ns) {
          send(404, { message: '404 Namespace Not Found' });
          return;
        }
        const key = `${ns[0]}/${body.path}`;
        if (projects.has(key)) {
          send(400, {
            message: {
              project_namespace: ['has already been taken'],
              name: ['has already been taken'],
              path: ['has already been taken'],
            },
          });
          return;
        }
        const gitDir = path.join(options.gitRoot, ns[0], `${body.path}.git`);
        await ensureBareRepository(gitDir, body.default_branch ?? 'main');
        const project: FakeGitlabProject = {
          id: nextId++,
          namespace: ns[0],
          path: body.path,
          description: body.description,
          visibility: body.visibility,
          topics: body.topics ?? [],
          defaultBranch: body.default_branch,
          protectedBranches: [],
          gitDir,
        };
        projects.set(key, project);
        send(201, {
          id: project.id,
          path_with_namespace: key,
          web_url: `${options.webBaseUrl ?? base}/${key}`,
          http_url_to_repo: `${base}/git/${key}.git`,
        });
        return;
      }
      const protectMatch = p.match(/^\/projects\/([^/]+)\/protected_branches$/);
      if (protectMatch && method === 'POST') {
        const id = decodeURIComponent(protectMatch[1]);
        const project = [...projects.entries()].find(
          ([k, v]) => k === id || String(v.id) === id,
        )?.[1];
        if (!project) {
          send(404, { message: '404 Project Not Found' });
          return;
        }
        if (project.protectedBranches.some(b => b.name === body.name)) {
          send(409, { message: "Protected branch 'main' already exists" });
          return;
        }
        project.protectedBranches.push(body);
        send(201, body);
        return;
      }
      send(404, { message: '404 Not Found' });
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseUrl: base,
    apiBaseUrl: `${base}/api/v4`,
    host: new URL(base).host,
    token,
    projects,
    failNext(
      method: string,
      pathPattern: RegExp,
      status: number,
      message: unknown,
    ) {
      faults.push({ method, path: pathPattern, status, message });
    },
    close: () => new Promise<void>(resolve => server.close(() => resolve())),
  };
}
