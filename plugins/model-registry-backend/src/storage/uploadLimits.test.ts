import { createMockDirectory } from '@backstage/backend-test-utils';
import { promises as fs } from 'node:fs';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import request from 'supertest';
import { databases, startRegistry } from '../__testUtils__/startRegistry';

jest.setTimeout(60_000);

const base = '/api/model-registry';

type Answer = { status: number; body: string } | { error: string };

/**
 * Sends a request by hand: the headers, then `chunks` pieces of `chunkBytes`
 * each `intervalMs` apart, and ends it unless `stall` is set (the client goes
 * quiet and keeps the connection open).
 */
function sendSlowly(
  server: http.Server,
  options: {
    method: string;
    path: string;
    contentType: string;
    chunk: Buffer;
    chunks: number;
    intervalMs: number;
    declareLength?: boolean;
    stall?: boolean;
  },
): Promise<Answer> {
  const { port } = server.address() as AddressInfo;
  const total = options.chunk.length * options.chunks;
  return new Promise(resolve => {
    const req = http.request({
      host: '127.0.0.1',
      port,
      method: options.method,
      path: options.path,
      agent: false,
      headers: {
        'Content-Type': options.contentType,
        Authorization: 'Bearer mock-user-token',
        ...(options.declareLength === false
          ? { 'Transfer-Encoding': 'chunked' }
          : // A stalling client announces more than it sends.
            { 'Content-Length': String(total + (options.stall ? 1024 : 0)) }),
      },
    });
    let sent = 0;
    const timer = setInterval(() => {
      if (sent === options.chunks) {
        clearInterval(timer);
        if (!options.stall) req.end();
        return;
      }
      sent += 1;
      req.write(options.chunk);
    }, options.intervalMs);
    req.on('response', res => {
      clearInterval(timer);
      let body = '';
      res.on('data', d => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
      res.on('error', e => resolve({ error: e.message }));
    });
    req.on('error', e => {
      clearInterval(timer);
      resolve({ error: e.message });
    });
  });
}

/**
 * Node checks its servers' request and headers deadlines every 30 s
 * (`connectionsCheckingInterval`); this runs that check now.
 */
function checkServerDeadlines(server: http.Server) {
  const symbol = Object.getOwnPropertySymbols(server).find(
    s => s.description === 'http.server.connectionsCheckingInterval',
  );
  const timer = symbol && (server as any)[symbol];
  if (typeof timer?._onTimeout !== 'function') {
    throw new Error('this Node has no connections checking interval');
  }
  timer._onTimeout();
}

/**
 * `modelRegistry.storage` with `extra` merged in, artifacts in a fresh
 * temporary directory (the test's `storage` replaces startRegistry's).
 */
function storage(extra: Record<string, any>) {
  const root = createMockDirectory().resolve('store');
  return {
    root,
    config: {
      storage: {
        ...extra,
        filesystem: { rootDir: root, ...extra.filesystem },
      },
    },
  };
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

async function registerPending(server: http.Server, model: string) {
  await request(server)
    .post(`${base}/models`)
    .send({ name: model, owner: 'group:default/data-science' })
    .expect(201);
  await request(server)
    .post(`${base}/models/${model}/versions`)
    .send({ artifactFormat: 'bin' })
    .expect(201);
}

/** Everything under the store's root: artifacts and temporary files. */
async function storedFiles(root: string): Promise<string[]> {
  const found: string[] = [];
  async function walk(dir: string) {
    for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) await walk(path);
      else found.push(path.slice(root.length + 1));
    }
  }
  await walk(root);
  return found;
}

async function statusOf(server: http.Server, model: string, version = 1) {
  const res = await request(server)
    .get(`${base}/models/${model}/versions/${version}`)
    .expect(200);
  return res.body.status;
}

describe.each(databases.eachSupportedId())(
  'upload limits on %p',
  databaseId => {
    it('lets an upload run longer than the server request timeout, which still cuts other slow requests', async () => {
      const { server } = await startRegistry(databaseId, {
        config: storage({ upload: { idleTimeout: 2000, timeout: 60_000 } })
          .config,
      });
      await registerPending(server, 'slow-link');
      // The old limit, shrunk: every request must be received within 1 s.
      server.requestTimeout = 1000;
      server.headersTimeout = 1000;

      const upload = sendSlowly(server, {
        method: 'PUT',
        path: `${base}/models/slow-link/versions/1/artifact`,
        contentType: 'application/octet-stream',
        chunk: Buffer.alloc(1024, 7),
        chunks: 8,
        intervalMs: 400,
      });
      // The control: a JSON body sent as slowly.
      const json = Buffer.from(
        JSON.stringify({ name: 'never-made', owner: 'group:default/x' }),
      );
      const slowJson = sendSlowly(server, {
        method: 'POST',
        path: `${base}/models`,
        contentType: 'application/json',
        chunk: json.subarray(0, 8),
        chunks: Math.ceil(json.length / 8),
        intervalMs: 400,
      });

      for (let i = 0; i < 4; i++) {
        await sleep(900);
        checkServerDeadlines(server);
      }
      expect(await slowJson).toMatchObject({ status: 408 });
      const answer = await upload;
      expect(answer).toMatchObject({ status: 200 });
      expect(JSON.parse((answer as { body: string }).body)).toMatchObject({
        status: 'READY',
        artifact: { size: 8 * 1024 },
      });
    });

    it('cuts an upload whose client goes quiet, leaving the version PENDING and nothing stored', async () => {
      const { root, config } = storage({ upload: { idleTimeout: 300 } });
      const { server } = await startRegistry(databaseId, { config });
      await registerPending(server, 'quiet');
      const started = Date.now();
      const answer = await sendSlowly(server, {
        method: 'PUT',
        path: `${base}/models/quiet/versions/1/artifact`,
        contentType: 'application/octet-stream',
        chunk: Buffer.alloc(1024, 1),
        chunks: 3,
        intervalMs: 50,
        stall: true,
      });
      expect(answer).toMatchObject({
        status: 408,
        body: expect.stringContaining(
          'Upload stalled: no bytes for 0.3 s after 3072 bytes',
        ),
      });
      expect(Date.now() - started).toBeLessThan(5000);
      await sleep(100);
      expect(await statusOf(server, 'quiet')).toBe('PENDING');
      expect(await storedFiles(root)).toEqual([]);
    });

    it('cuts an upload that takes longer than upload.timeout, however steady', async () => {
      const { root, config } = storage({
        upload: { idleTimeout: 1000, timeout: 600 },
      });
      const { server } = await startRegistry(databaseId, { config });
      await registerPending(server, 'steady');
      const answer = await sendSlowly(server, {
        method: 'PUT',
        path: `${base}/models/steady/versions/1/artifact`,
        contentType: 'application/octet-stream',
        chunk: Buffer.alloc(1024, 1),
        chunks: 20,
        intervalMs: 100,
      });
      expect(answer).toMatchObject({
        status: 408,
        body: expect.stringContaining(
          'Upload took longer than the limit of 0.6 s',
        ),
      });
      await sleep(100);
      expect(await statusOf(server, 'steady')).toBe('PENDING');
      expect(await storedFiles(root)).toEqual([]);
    });

    it('refuses uploads over the per-model quota with 413, before and during the upload', async () => {
      const { root, config } = storage({ modelQuotaBytes: 100 });
      const { server } = await startRegistry(databaseId, { config });
      await registerPending(server, 'quota');
      for (let i = 0; i < 3; i++) {
        await request(server)
          .post(`${base}/models/quota/versions`)
          .send({ artifactFormat: 'bin' })
          .expect(201);
      }
      await request(server)
        .put(`${base}/models/quota/versions/1/artifact`)
        .set('Content-Type', 'application/octet-stream')
        .send(Buffer.alloc(60, 1))
        .expect(200);

      // Announced: refused before a byte is read.
      const refused = await request(server)
        .put(`${base}/models/quota/versions/2/artifact`)
        .set('Content-Type', 'application/octet-stream')
        .send(Buffer.alloc(60, 2))
        .expect(413);
      expect(refused.body.error.message).toBe(
        'artifact of 60 bytes would exceed the quota of model "quota": 60 of 100 bytes are used, 40 are left (modelRegistry.storage.modelQuotaBytes)',
      );

      // Not announced (chunked): stopped once the 41st byte arrives.
      const chunked = await sendSlowly(server, {
        method: 'PUT',
        path: `${base}/models/quota/versions/2/artifact`,
        contentType: 'application/octet-stream',
        chunk: Buffer.alloc(30, 3),
        chunks: 2,
        intervalMs: 50,
        declareLength: false,
      });
      expect(chunked).toMatchObject({
        status: 413,
        body: expect.stringContaining(
          'artifact of more than 40 bytes would exceed the quota of model \\"quota\\"',
        ),
      });
      await sleep(100);
      expect(await statusOf(server, 'quota', 2)).toBe('PENDING');

      // What fits is still taken.
      await request(server)
        .put(`${base}/models/quota/versions/3/artifact`)
        .set('Content-Type', 'application/octet-stream')
        .send(Buffer.alloc(40, 4))
        .expect(200);
      const files = await storedFiles(root);
      expect(files).toHaveLength(2);
      expect(files.every(f => f.startsWith('models/'))).toBe(true);
    });

    it('refuses uploads that would eat into the free space reserve with 507', async () => {
      const { root, config } = storage({
        // More than any test machine's disk: nothing fits.
        filesystem: { reserveBytes: 2 ** 52 },
      });
      const { server } = await startRegistry(databaseId, { config });
      await registerPending(server, 'full-disk');
      const refused = await request(server)
        .put(`${base}/models/full-disk/versions/1/artifact`)
        .set('Content-Type', 'application/octet-stream')
        .send(Buffer.alloc(1000, 1))
        .expect(507);
      expect(refused.body.error.message).toMatch(
        /^Not enough free space for the artifact: \d+ bytes free on the store's volume, 1000 more bytes announced, and 4503599627370496 bytes are kept free \(modelRegistry.storage.filesystem.reserveBytes\)$/,
      );
      expect(await statusOf(server, 'full-disk')).toBe('PENDING');
      expect(await storedFiles(root)).toEqual([]);
    });
  },
);
