import { spawn } from 'node:child_process';
import http from 'node:http';

/**
 * Answers a git smart-HTTP request (`/<owner>/<repo>.git/info/refs`,
 * `/git-upload-pack`, `/git-receive-pack`) for the bare repositories under
 * `root` by running `git http-backend`, the CGI program git ships. The
 * request body is streamed into it and its answer streamed back.
 *
 * Without `allowPush` only fetching and cloning are served.
 */
export function serveGitRequest(options: {
  root: string;
  /** The request path below the mount point, e.g. `/acme/churn.git/info/refs`. */
  pathInfo: string;
  req: http.IncomingMessage;
  res: http.ServerResponse;
  allowPush: boolean;
}): void {
  const { root, pathInfo, req, res, allowPush } = options;
  const query = new URL(req.url ?? '/', 'http://localhost').search.slice(1);
  const pushing =
    pathInfo.endsWith('/git-receive-pack') ||
    /(^|&)service=git-receive-pack(&|$)/.test(query);
  if (
    (pushing && !allowPush) ||
    !/^\/[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)?\.git\/(info\/refs|git-upload-pack|git-receive-pack|HEAD)$/.test(
      pathInfo,
    ) ||
    pathInfo.includes('..')
  ) {
    res.writeHead(pushing ? 403 : 404, { 'Content-Type': 'text/plain' });
    res.end(pushing ? 'Pushing is not allowed here\n' : 'Not found\n');
    return;
  }
  const child = spawn('git', ['http-backend'], {
    env: {
      PATH: process.env.PATH,
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: '1',
      // git http-backend serves receive-pack only to an authenticated user.
      ...(allowPush ? { REMOTE_USER: 'git' } : {}),
      PATH_INFO: pathInfo,
      QUERY_STRING: query,
      REQUEST_METHOD: req.method ?? 'GET',
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      HTTP_CONTENT_ENCODING: String(req.headers['content-encoding'] ?? ''),
      GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
    },
  });
  req.pipe(child.stdin);
  child.stdin.on('error', () => child.kill());
  let head = Buffer.alloc(0);
  let started = false;
  child.stdout.on('data', (chunk: Buffer) => {
    if (started) {
      res.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf('\r\n\r\n');
    if (end < 0) return;
    let status = 200;
    const headers: Record<string, string> = {};
    for (const line of head.subarray(0, end).toString().split('\r\n')) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).trim();
      const value = line.slice(colon + 1).trim();
      if (name.toLowerCase() === 'status') status = parseInt(value, 10);
      else if (name) headers[name] = value;
    }
    res.writeHead(status, headers);
    res.write(head.subarray(end + 4));
    started = true;
  });
  child.on('close', () => {
    if (!started) {
      res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end('git http-backend gave no answer\n');
    } else {
      res.end();
    }
  });
}
