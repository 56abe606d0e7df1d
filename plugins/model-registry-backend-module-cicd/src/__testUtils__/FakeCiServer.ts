import http from 'node:http';
import { AddressInfo } from 'node:net';

/** A request the fake CI received. */
export interface CiRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * One local server answering the CI endpoints the deployer calls:
 * GitHub `POST /repos/{owner}/{repo}/actions/workflows/{id}/dispatches`
 * (204), GitLab `POST /api/v4/projects/{id}/trigger/pipeline` (201 with the
 * pipeline), Jenkins `GET /crumbIssuer/api/json` (crumb + session cookie) and
 * `POST /job/.../buildWithParameters` (201, Location of the queue item; 403
 * without the crumb of the session). `failNext` answers with an error.
 */
export class FakeCiServer {
  readonly requests: CiRequest[] = [];
  private readonly failures: number[] = [];
  private server?: http.Server;
  private queueItem = 100;
  url = '';

  failNext(...statuses: number[]): void {
    this.failures.push(...statuses);
  }

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      let body = '';
      req.on('data', c => {
        body += c;
      });
      req.on('end', () => {
        const path = req.url ?? '/';
        this.requests.push({
          method: req.method ?? 'GET',
          path,
          headers: req.headers,
          body,
        });
        const failure = this.failures.shift();
        if (failure) {
          res.writeHead(failure, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ message: `injected ${failure}` }));
          return;
        }
        if (
          req.method === 'POST' &&
          /^\/repos\/[^/]+\/[^/]+\/actions\/workflows\/[^/]+\/dispatches$/.test(
            path,
          )
        ) {
          const ok =
            req.headers.authorization === 'Bearer gh-token' &&
            req.headers.accept === 'application/vnd.github+json' &&
            req.headers['x-github-api-version'] === '2022-11-28';
          res.writeHead(ok ? 204 : 401).end();
          return;
        }
        if (
          req.method === 'POST' &&
          /^\/api\/v4\/projects\/[^/]+\/trigger\/pipeline$/.test(path)
        ) {
          const form = new URLSearchParams(body);
          if (form.get('token') !== 'gl-trigger') {
            res.writeHead(404, { 'content-type': 'application/json' });
            res.end(JSON.stringify({ message: '404 Not Found' }));
            return;
          }
          res.writeHead(201, { 'content-type': 'application/json' });
          res.end(
            JSON.stringify({
              id: 4711,
              status: 'created',
              ref: form.get('ref'),
              web_url: `${this.url}/ml/deploy/-/pipelines/4711`,
            }),
          );
          return;
        }
        const basic = `Basic ${Buffer.from('deployer:jk-token').toString(
          'base64',
        )}`;
        if (req.method === 'GET' && path === '/crumbIssuer/api/json') {
          if (req.headers.authorization !== basic) {
            res.writeHead(401).end();
            return;
          }
          res.writeHead(200, {
            'content-type': 'application/json',
            'set-cookie': 'JSESSIONID.abc=session-1; Path=/; HttpOnly',
          });
          res.end(
            JSON.stringify({
              _class: 'hudson.security.csrf.DefaultCrumbIssuer',
              crumb: 'crumb-1',
              crumbRequestField: 'Jenkins-Crumb',
            }),
          );
          return;
        }
        if (
          req.method === 'POST' &&
          /^(\/job\/[^/]+)+\/buildWithParameters$/.test(path)
        ) {
          const crumbOk =
            req.headers['jenkins-crumb'] === 'crumb-1' &&
            (req.headers.cookie ?? '').includes('JSESSIONID.abc=session-1');
          if (req.headers.authorization !== basic || !crumbOk) {
            res.writeHead(403, { 'content-type': 'text/html' });
            res.end('No valid crumb was included in the request');
            return;
          }
          res
            .writeHead(201, {
              location: `${this.url}/queue/item/${++this.queueItem}/`,
            })
            .end();
          return;
        }
        res.writeHead(404).end();
      });
    });
    await new Promise<void>(r => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${
      (this.server.address() as AddressInfo).port
    }`;
    return this.url;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>(r =>
      this.server ? this.server.close(() => r()) : r(),
    );
  }
}
