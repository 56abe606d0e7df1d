import http from 'node:http';
import { AddressInfo } from 'node:net';

/**
 * A local HTTP server implementing the Jenkins remote API endpoints the
 * pipeline action calls: the crumb issuer (crumb bound to a session
 * cookie), job lookup, `createItem` and `config.xml` updates, with basic auth.
 */
export async function startFakeJenkins(
  options: { username?: string; apiToken?: string; folders?: string[] } = {},
) {
  const username = options.username ?? 'ci-bot';
  const apiToken = options.apiToken ?? 'jenkins-token';
  const folders = new Set(['', ...(options.folders ?? [])]);
  const jobs = new Map<string, string>();
  const crumbs = new Map<string, string>();
  let session = 0;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', c => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const send = (
        status: number,
        body = '',
        headers: Record<string, string> = {},
      ) => {
        res.writeHead(status, headers);
        res.end(body);
      };
      const expected = `Basic ${Buffer.from(`${username}:${apiToken}`).toString(
        'base64',
      )}`;
      if (req.headers.authorization !== expected) {
        send(401, 'Unauthorized', {
          'WWW-Authenticate': 'Basic realm="Jenkins"',
        });
        return;
      }
      if (url.pathname === '/crumbIssuer/api/json') {
        const id = `s${++session}`;
        const crumb = `crumb-${id}`;
        crumbs.set(id, crumb);
        send(
          200,
          JSON.stringify({ crumb, crumbRequestField: 'Jenkins-Crumb' }),
          {
            'Content-Type': 'application/json',
            'Set-Cookie': `JSESSIONID.test=${id}; Path=/; HttpOnly`,
          },
        );
        return;
      }
      const m = url.pathname.match(
        /^((?:\/job\/[^/]+)*?)(?:\/job\/([^/]+)\/(api\/json|config\.xml)|\/createItem)$/,
      );
      if (!m) {
        send(404, 'Not Found');
        return;
      }
      const folder = m[1]
        .split('/job/')
        .filter(Boolean)
        .map(decodeURIComponent)
        .join('/');
      if (!folders.has(folder)) {
        send(404, 'Not Found');
        return;
      }
      if (req.method === 'POST') {
        const cookie = (req.headers.cookie ?? '').match(
          /JSESSIONID\.test=(\w+)/,
        )?.[1];
        if (!cookie || crumbs.get(cookie) !== req.headers['jenkins-crumb']) {
          send(403, 'No valid crumb was included in the request');
          return;
        }
      }
      const name = m[2]
        ? decodeURIComponent(m[2])
        : url.searchParams.get('name') ?? '';
      const key = folder ? `${folder}/${name}` : name;
      const xml = Buffer.concat(chunks).toString();
      if (m[3] === 'api/json' && req.method === 'GET') {
        if (jobs.has(key))
          send(200, JSON.stringify({ name, url: `/job/${name}/` }));
        else send(404, 'Not Found');
      } else if (m[3] === 'config.xml' && req.method === 'POST') {
        if (!jobs.has(key)) send(404, 'Not Found');
        else {
          jobs.set(key, xml);
          send(200);
        }
      } else if (!m[3] && req.method === 'POST') {
        if (jobs.has(key)) {
          send(400, '', {
            'X-Error': `A job already exists with the name '${name}'`,
          });
        } else if (!xml.includes('<flow-definition')) {
          send(500, 'not a job config');
        } else {
          jobs.set(key, xml);
          send(200);
        }
      } else {
        send(405, 'Method Not Allowed');
      }
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseUrl,
    username,
    apiToken,
    jobs,
    close: () => new Promise<void>(resolve => server.close(() => resolve())),
  };
}
