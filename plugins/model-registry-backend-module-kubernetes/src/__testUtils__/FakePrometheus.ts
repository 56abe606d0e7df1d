import http from 'node:http';
import { AddressInfo } from 'node:net';

/**
 * A local server answering Prometheus' instant query API
 * (`GET|POST /api/v1/query`) with a vector per query, as `answers` says:
 * a number, `empty` (no series) or `down` (503).
 */
export class FakePrometheus {
  readonly answers = new Map<string, number | 'empty' | 'down'>();
  readonly queries: string[] = [];
  private server?: http.Server;
  url = '';

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      let body = '';
      req.on('data', c => {
        body += c;
      });
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://localhost');
        if (url.pathname !== '/api/v1/query') {
          res.writeHead(404).end();
          return;
        }
        const params = new URLSearchParams(
          req.method === 'POST' ? body : url.search,
        );
        const query = params.get('query') ?? '';
        this.queries.push(query);
        const answer = this.answers.get(query) ?? 'empty';
        if (answer === 'down') {
          res.writeHead(503, { 'content-type': 'application/json' });
          res.end(
            JSON.stringify({
              status: 'error',
              errorType: 'unavailable',
              error: 'down',
            }),
          );
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            status: 'success',
            data: {
              resultType: 'vector',
              result:
                answer === 'empty'
                  ? []
                  : [
                      {
                        metric: {},
                        value: [Date.now() / 1000, String(answer)],
                      },
                    ],
            },
          }),
        );
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
