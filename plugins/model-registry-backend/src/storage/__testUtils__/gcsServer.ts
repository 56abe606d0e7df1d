/*
 * A local server of the Cloud Storage JSON API endpoints that
 * @google-cloud/storage calls for the gcs artifact store, with the
 * semantics documented at https://cloud.google.com/storage/docs/json_api:
 *
 * - resumable uploads: the session start (`POST /upload/storage/v1/b/{bucket}/o
 *   ?uploadType=resumable`), chunk `PUT`s with `Content-Range` (308 with
 *   `Range` until the last chunk; non-final chunks a multiple of 256 KiB),
 *   status queries (`bytes *\/*`), `X-Goog-Hash` checked on the last chunk;
 *   an object exists only once its last chunk arrived;
 * - objects: metadata and media `GET`, `DELETE`, `rewriteTo` (the copy), list
 *   by prefix with pages; `ifGenerationMatch` preconditions (412);
 * - buckets: metadata `GET`;
 * - V4 signed URLs (`GET /{bucket}/{object}?X-Goog-Signature=…`) checked
 *   against the public keys of the service accounts the server knows, with
 *   XML error bodies as the XML API answers;
 * - JSON error bodies in Google's format.
 *
 * Objects live in files under a directory, so that large uploads do not
 * fill the server's memory. Run it alone for the example portal:
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs \
 *     src/storage/__testUtils__/gcsServer.ts --port 4443 --bucket model-artifacts \
 *     --dir /tmp/gcs
 */
import {
  createHash,
  createPublicKey,
  Hash,
  KeyObject,
  verify,
} from 'node:crypto';
import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';

const KiB256 = 256 * 1024;

/** CRC32C (Castagnoli), as Cloud Storage reports it, table-driven. */
const CRC_TABLE = (() => {
  const table = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    table[n] = c;
  }
  return table;
})();

function crc32cUpdate(crc: number, bytes: Buffer): number {
  let c = ~crc;
  for (let i = 0; i < bytes.length; i++) {
    c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  }
  return ~c;
}

function crc32cBase64(crc: number): string {
  const out = Buffer.alloc(4);
  out.writeInt32BE(crc | 0);
  return out.toString('base64');
}

interface StoredObject {
  bucket: string;
  name: string;
  generation: string;
  size: number;
  md5Hash: string;
  crc32c: string;
  contentType: string;
  timeCreated: Date;
  updated: Date;
  file: string;
}

interface UploadSession {
  bucket: string;
  name: string;
  contentType: string;
  ifGenerationMatch?: string;
  file: string;
  received: number;
  md5: Hash;
  crc: number;
  object?: StoredObject;
}

/** A request the server answered, for tests to assert what the client did. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  contentRange?: string;
  status: number;
}

export interface TestGcsServer {
  /** The `apiEndpoint` to give the client. */
  endpoint: string;
  requests: RecordedRequest[];
  /** Names of the objects of a bucket, sorted. */
  objectNames(bucket: string): string[];
  /** Upload sessions started and not finished. */
  openSessions(): number;
  /** Moves an object's creation and update time back, as if it were old. */
  age(bucket: string, name: string, byMs: number): void;
  /** Lets the server verify V4 signed URLs of this service account. */
  trustServiceAccount(email: string, publicKeyPem: string): void;
  stop(): Promise<void>;
}

class GoogleError extends Error {
  constructor(readonly code: number, message: string, readonly reason: string) {
    super(message);
  }
}

function sendJson(res: http.ServerResponse, status: number, body?: unknown) {
  if (body === undefined) {
    res.writeHead(status, { 'Content-Length': '0' }).end();
    return;
  }
  const text = JSON.stringify(body);
  res
    .writeHead(status, {
      'Content-Type': 'application/json; charset=UTF-8',
      'Content-Length': Buffer.byteLength(text),
    })
    .end(text);
}

function sendXmlError(
  res: http.ServerResponse,
  status: number,
  code: string,
  details: string,
) {
  const text = `<?xml version='1.0' encoding='UTF-8'?><Error><Code>${code}</Code><Message>${details}</Message></Error>`;
  res
    .writeHead(status, {
      'Content-Type': 'application/xml; charset=UTF-8',
      'Content-Length': Buffer.byteLength(text),
    })
    .end(text);
}

/** RFC 3986 encoding, as V4 signatures canonicalize query strings. */
function strictEncode(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** Starts the server on a free loopback port (or `options.port`). */
export async function startGcsServer(options: {
  directory: string;
  buckets: string[];
  port?: number;
}): Promise<TestGcsServer> {
  const objectsDir = join(options.directory, 'objects');
  const uploadsDir = join(options.directory, 'uploads');
  await fs.mkdir(objectsDir, { recursive: true });
  await fs.mkdir(uploadsDir, { recursive: true });

  const buckets = new Map<string, Map<string, StoredObject>>(
    options.buckets.map(name => [name, new Map()]),
  );
  const sessions = new Map<string, UploadSession>();
  const serviceAccounts = new Map<string, KeyObject>();
  const requests: RecordedRequest[] = [];
  let counter = 0;
  const nextId = () => `${Date.now()}${String(++counter).padStart(6, '0')}`;
  // Generations are microseconds since the epoch, as Cloud Storage's.
  const nextGeneration = () => String(Date.now() * 1000 + (++counter % 1000));

  function bucketOf(name: string): Map<string, StoredObject> {
    const bucket = buckets.get(name);
    if (!bucket) {
      throw new GoogleError(
        404,
        'The specified bucket does not exist.',
        'notFound',
      );
    }
    return bucket;
  }

  function objectOf(bucket: string, name: string): StoredObject {
    const found = bucketOf(bucket).get(name);
    if (!found) {
      throw new GoogleError(
        404,
        `No such object: ${bucket}/${name}`,
        'notFound',
      );
    }
    return found;
  }

  function checkGeneration(
    bucket: string,
    name: string,
    ifGenerationMatch: string | undefined,
  ) {
    if (ifGenerationMatch === undefined) return;
    const current = bucketOf(bucket).get(name)?.generation ?? '0';
    if (current !== ifGenerationMatch) {
      throw new GoogleError(
        412,
        'At least one of the pre-conditions you specified did not hold.',
        'conditionNotMet',
      );
    }
  }

  function resource(object: StoredObject, endpoint: string) {
    const path = `b/${object.bucket}/o/${encodeURIComponent(object.name)}`;
    return {
      kind: 'storage#object',
      id: `${object.bucket}/${object.name}/${object.generation}`,
      selfLink: `${endpoint}/storage/v1/${path}`,
      mediaLink: `${endpoint}/download/storage/v1/${path}?generation=${object.generation}&alt=media`,
      name: object.name,
      bucket: object.bucket,
      generation: object.generation,
      metageneration: '1',
      contentType: object.contentType,
      storageClass: 'STANDARD',
      size: String(object.size),
      md5Hash: object.md5Hash,
      crc32c: object.crc32c,
      etag: `C${object.generation}`,
      timeCreated: object.timeCreated.toISOString(),
      updated: object.updated.toISOString(),
    };
  }

  async function store(object: StoredObject) {
    const bucket = bucketOf(object.bucket);
    const replaced = bucket.get(object.name);
    bucket.set(object.name, object);
    if (replaced) await fs.rm(replaced.file, { force: true });
  }

  async function readJson(req: http.IncomingMessage): Promise<any> {
    const parts: Buffer[] = [];
    for await (const part of req) parts.push(part);
    const text = Buffer.concat(parts).toString('utf8');
    if (!text) return {};
    try {
      return JSON.parse(text);
    } catch {
      throw new GoogleError(400, 'Parse Error', 'parseError');
    }
  }

  async function startSession(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    url: URL,
    bucket: string,
    endpoint: string,
  ) {
    bucketOf(bucket);
    if (url.searchParams.get('uploadType') !== 'resumable') {
      throw new GoogleError(
        400,
        'This server takes resumable uploads only.',
        'invalid',
      );
    }
    const metadata = await readJson(req);
    const name = url.searchParams.get('name') ?? metadata.name;
    if (!name) {
      throw new GoogleError(400, 'Required', 'required');
    }
    const ifGenerationMatch =
      url.searchParams.get('ifGenerationMatch') ?? undefined;
    checkGeneration(bucket, name, ifGenerationMatch);
    const id = nextId();
    const file = join(uploadsDir, id);
    await fs.writeFile(file, '');
    sessions.set(id, {
      bucket,
      name,
      contentType:
        metadata.contentType ??
        req.headers['x-upload-content-type'] ??
        'application/octet-stream',
      ifGenerationMatch,
      file,
      received: 0,
      md5: createHash('md5'),
      crc: 0,
    });
    const location = `${endpoint}/upload/storage/v1/b/${bucket}/o?uploadType=resumable&name=${encodeURIComponent(
      name,
    )}&upload_id=${id}`;
    res.writeHead(200, { Location: location, 'Content-Length': '0' }).end();
  }

  function incomplete(res: http.ServerResponse, session: UploadSession) {
    res
      .writeHead(
        308,
        session.received > 0
          ? { Range: `bytes=0-${session.received - 1}`, 'Content-Length': '0' }
          : { 'Content-Length': '0' },
      )
      .end();
  }

  async function finish(session: UploadSession, req: http.IncomingMessage) {
    const md5Hash = session.md5.digest('base64');
    const crc32c = crc32cBase64(session.crc);
    const claimed = String(req.headers['x-goog-hash'] ?? '');
    for (const pair of claimed.split(',').filter(Boolean)) {
      const at = pair.indexOf('=');
      const [type, value] = [pair.slice(0, at).trim(), pair.slice(at + 1)];
      if (
        (type === 'crc32c' && value !== crc32c) ||
        (type === 'md5' && value !== md5Hash)
      ) {
        throw new GoogleError(
          400,
          `Provided ${type.toUpperCase()} "${value}" doesn't match calculated ${type.toUpperCase()}.`,
          'invalid',
        );
      }
    }
    checkGeneration(session.bucket, session.name, session.ifGenerationMatch);
    const now = new Date();
    const generation = nextGeneration();
    const file = join(objectsDir, generation);
    await fs.rename(session.file, file);
    const object: StoredObject = {
      bucket: session.bucket,
      name: session.name,
      generation,
      size: session.received,
      md5Hash,
      crc32c,
      contentType: session.contentType,
      timeCreated: now,
      updated: now,
      file,
    };
    await store(object);
    session.object = object;
  }

  async function uploadChunk(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    url: URL,
    endpoint: string,
  ) {
    const id = url.searchParams.get('upload_id') ?? '';
    const session = sessions.get(id);
    if (!session) {
      throw new GoogleError(404, 'No such upload session.', 'notFound');
    }
    if (req.method === 'DELETE') {
      sessions.delete(id);
      await fs.rm(session.file, { force: true });
      sendJson(res, 499);
      return;
    }
    const range = String(req.headers['content-range'] ?? '');
    if (session.object) {
      req.resume();
      sendJson(res, 200, resource(session.object, endpoint));
      return;
    }
    if (/^bytes \*\/(\*|\d+)$/.test(range)) {
      // A status query; `bytes */N` also finishes a session that has all N.
      req.resume();
      const total = range.slice('bytes */'.length);
      if (total !== '*' && Number(total) === session.received) {
        await finish(session, req);
        sessions.delete(id);
        sendJson(res, 200, resource(session.object!, endpoint));
        return;
      }
      incomplete(res, session);
      return;
    }
    const match = /^bytes (\d+)-(-?\d+|\*)\/(\d+|\*)$/.exec(range);
    if (!match) {
      throw new GoogleError(
        400,
        `Invalid Content-Range "${range}".`,
        'invalid',
      );
    }
    const start = Number(match[1]);
    const end = match[2] === '*' ? undefined : Number(match[2]);
    const total = match[3] === '*' ? undefined : Number(match[3]);
    if (start !== session.received) {
      throw new GoogleError(
        400,
        `Invalid request. According to the Content-Range header, the upload offset is ${start} byte(s), which exceeds already uploaded size of ${session.received} byte(s).`,
        'invalid',
      );
    }
    // Streamed to the session's file; the bytes and hashes count only once
    // the whole request arrived, as a broken request persists nothing here.
    const md5 = session.md5.copy();
    let crc = session.crc;
    let length = 0;
    const out = createWriteStream(session.file, { flags: 'a' });
    try {
      await pipeline(
        req,
        async function* hash(source: AsyncIterable<Buffer>) {
          for await (const chunk of source) {
            md5.update(chunk);
            crc = crc32cUpdate(crc, chunk);
            length += chunk.length;
            yield chunk;
          }
        },
        out,
      );
    } catch (error) {
      await fs.truncate(session.file, session.received);
      throw error;
    }
    const last =
      end === undefined ? true : total !== undefined && end + 1 === total;
    if (end !== undefined && length !== end - start + 1) {
      await fs.truncate(session.file, session.received);
      throw new GoogleError(
        400,
        `Content-Range says ${
          end - start + 1
        } bytes, the request has ${length}.`,
        'invalid',
      );
    }
    if (!last && length % KiB256 !== 0) {
      await fs.truncate(session.file, session.received);
      throw new GoogleError(
        400,
        "Invalid request. The number of bytes uploaded is required to be equal or greater than 262144, except for the final request (it's recommended to be the exact multiple of 262144).",
        'invalid',
      );
    }
    session.md5 = md5;
    session.crc = crc;
    session.received += length;
    if (!last) {
      incomplete(res, session);
      return;
    }
    await finish(session, req);
    sessions.delete(id);
    sendJson(res, 200, resource(session.object!, endpoint));
  }

  async function sendMedia(res: http.ServerResponse, object: StoredObject) {
    res.writeHead(200, {
      'Content-Type': object.contentType,
      'Content-Length': String(object.size),
      'X-Goog-Hash': `crc32c=${object.crc32c},md5=${object.md5Hash}`,
      'X-Goog-Generation': object.generation,
      'X-Goog-Stored-Content-Encoding': 'identity',
      'X-Goog-Stored-Content-Length': String(object.size),
    });
    await pipeline(createReadStream(object.file), res);
  }

  function list(url: URL, bucket: string, endpoint: string) {
    const prefix = url.searchParams.get('prefix') ?? '';
    const pageToken = url.searchParams.get('pageToken');
    const after = pageToken ? Buffer.from(pageToken, 'base64').toString() : '';
    const max = Math.min(
      Number(url.searchParams.get('maxResults') ?? 1000),
      1000,
    );
    const names = [...bucketOf(bucket).keys()]
      .filter(name => name.startsWith(prefix) && name > after)
      .sort();
    const page = names.slice(0, max);
    return {
      kind: 'storage#objects',
      items: page.map(name => resource(objectOf(bucket, name), endpoint)),
      ...(names.length > max
        ? {
            nextPageToken: Buffer.from(page[page.length - 1]).toString(
              'base64',
            ),
          }
        : {}),
    };
  }

  async function rewrite(
    url: URL,
    [sourceBucket, sourceName, targetBucket, targetName]: string[],
    endpoint: string,
  ) {
    const source = objectOf(sourceBucket, sourceName);
    bucketOf(targetBucket);
    checkGeneration(
      targetBucket,
      targetName,
      url.searchParams.get('ifGenerationMatch') ?? undefined,
    );
    const now = new Date();
    const generation = nextGeneration();
    const file = join(objectsDir, generation);
    // Objects never change in place, so a copy may share the bytes.
    await fs.link(source.file, file);
    const object: StoredObject = {
      ...source,
      bucket: targetBucket,
      name: targetName,
      generation,
      timeCreated: now,
      updated: now,
      file,
    };
    await store(object);
    return {
      kind: 'storage#rewriteResponse',
      totalBytesRewritten: String(object.size),
      objectSize: String(object.size),
      done: true,
      resource: resource(object, endpoint),
    };
  }

  async function remove(url: URL, bucket: string, name: string) {
    const object = objectOf(bucket, name);
    checkGeneration(
      bucket,
      name,
      url.searchParams.get('ifGenerationMatch') ?? undefined,
    );
    bucketOf(bucket).delete(name);
    await fs.rm(object.file, { force: true });
  }

  /** `GET /{bucket}/{object}` with a V4 signature in the query. */
  async function signedGet(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    url: URL,
  ) {
    const q = url.searchParams;
    const [email, date, , , scopeEnd] = (
      q.get('X-Goog-Credential') ?? ''
    ).split('/');
    const key = serviceAccounts.get(email);
    const signedAt = /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/.exec(
      q.get('X-Goog-Date') ?? '',
    );
    if (
      q.get('X-Goog-Algorithm') !== 'GOOG4-RSA-SHA256' ||
      !signedAt ||
      scopeEnd !== 'goog4_request' ||
      !/^\d+$/.test(q.get('X-Goog-Expires') ?? '')
    ) {
      sendXmlError(res, 400, 'InvalidArgument', 'Malformed signed URL.');
      return;
    }
    const signedTime = Date.UTC(
      +signedAt[1],
      +signedAt[2] - 1,
      +signedAt[3],
      +signedAt[4],
      +signedAt[5],
      +signedAt[6],
    );
    if (Date.now() > signedTime + Number(q.get('X-Goog-Expires')) * 1000) {
      sendXmlError(res, 400, 'ExpiredToken', 'Request has expired.');
      return;
    }
    const signedHeaders = (q.get('X-Goog-SignedHeaders') ?? '').split(';');
    const headerValue = (name: string) =>
      name === 'host'
        ? String(req.headers.host ?? '').replace(/:\d+$/, '')
        : String(req.headers[name] ?? '').trim();
    const canonicalRequest = [
      req.method,
      url.pathname,
      [...q.entries()]
        .filter(([name]) => name !== 'X-Goog-Signature')
        .map(([name, value]) => [strictEncode(name), strictEncode(value)])
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([name, value]) => `${name}=${value}`)
        .join('&'),
      signedHeaders.map(name => `${name}:${headerValue(name)}\n`).join(''),
      signedHeaders.join(';'),
      'UNSIGNED-PAYLOAD',
    ].join('\n');
    const stringToSign = [
      'GOOG4-RSA-SHA256',
      q.get('X-Goog-Date'),
      `${date}/auto/storage/goog4_request`,
      createHash('sha256').update(canonicalRequest).digest('hex'),
    ].join('\n');
    const signature = Buffer.from(q.get('X-Goog-Signature') ?? '', 'hex');
    if (
      !key ||
      !verify('RSA-SHA256', Buffer.from(stringToSign), key, signature)
    ) {
      sendXmlError(
        res,
        403,
        'SignatureDoesNotMatch',
        'Access denied. The request signature we calculated does not match the signature you provided.',
      );
      return;
    }
    const [bucket, ...rest] = url.pathname.slice(1).split('/');
    const object = buckets
      .get(decodeURIComponent(bucket))
      ?.get(rest.map(decodeURIComponent).join('/'));
    if (!object) {
      sendXmlError(res, 404, 'NoSuchKey', 'The specified key does not exist.');
      return;
    }
    await sendMedia(res, object);
  }

  async function handle(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    endpoint: string,
  ) {
    const url = new URL(req.url ?? '/', endpoint);
    const path = url.pathname.split('/').slice(1).map(decodeURIComponent);
    const at = (pattern: string) => {
      const parts = pattern.split('/').slice(1);
      if (parts.length !== path.length) return undefined;
      const values: string[] = [];
      for (let i = 0; i < parts.length; i++) {
        if (parts[i] === '*') values.push(path[i]);
        else if (parts[i] !== path[i]) return undefined;
      }
      return values;
    };
    const routes: Array<
      [string, string, (values: string[]) => Promise<void> | void]
    > = [
      [
        'POST',
        '/upload/storage/v1/b/*/o',
        ([bucket]) => startSession(req, res, url, bucket, endpoint),
      ],
      [
        'PUT',
        '/upload/storage/v1/b/*/o',
        () => uploadChunk(req, res, url, endpoint),
      ],
      [
        'DELETE',
        '/upload/storage/v1/b/*/o',
        () => uploadChunk(req, res, url, endpoint),
      ],
      [
        'GET',
        '/storage/v1/b/*',
        ([bucket]) => {
          bucketOf(bucket);
          sendJson(res, 200, {
            kind: 'storage#bucket',
            id: bucket,
            name: bucket,
          });
        },
      ],
      [
        'GET',
        '/storage/v1/b/*/o',
        ([bucket]) => sendJson(res, 200, list(url, bucket, endpoint)),
      ],
      [
        'GET',
        '/storage/v1/b/*/o/*',
        async ([bucket, name]) => {
          const object = objectOf(bucket, name);
          const generation = url.searchParams.get('generation');
          if (generation && generation !== object.generation) {
            throw new GoogleError(
              404,
              `No such object: ${bucket}/${name}#${generation}`,
              'notFound',
            );
          }
          if (url.searchParams.get('alt') === 'media')
            await sendMedia(res, object);
          else sendJson(res, 200, resource(object, endpoint));
        },
      ],
      [
        'DELETE',
        '/storage/v1/b/*/o/*',
        async ([bucket, name]) => {
          await remove(url, bucket, name);
          sendJson(res, 204);
        },
      ],
      [
        'POST',
        '/storage/v1/b/*/o/*/rewriteTo/b/*/o/*',
        async values => {
          req.resume();
          sendJson(res, 200, await rewrite(url, values, endpoint));
        },
      ],
    ];
    for (const [method, pattern, run] of routes) {
      const values = req.method === method ? at(pattern) : undefined;
      if (values) {
        await run(values);
        return;
      }
    }
    if (req.method === 'GET' && url.searchParams.has('X-Goog-Signature')) {
      await signedGet(req, res, url);
      return;
    }
    throw new GoogleError(
      404,
      `Not found: ${req.method} ${url.pathname}`,
      'notFound',
    );
  }

  let endpoint = '';
  const server = http.createServer((req, res) => {
    const record: RecordedRequest = {
      method: req.method ?? '',
      path: (req.url ?? '').split('?')[0],
      query: Object.fromEntries(new URL(req.url ?? '/', endpoint).searchParams),
      contentRange: req.headers['content-range'],
      status: 0,
    };
    requests.push(record);
    res.on('finish', () => {
      record.status = res.statusCode;
    });
    handle(req, res, endpoint).catch(error => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const known = error instanceof GoogleError;
      const code = known ? error.code : 500;
      if (!known && req.destroyed) return;
      sendJson(res, code, {
        error: {
          code,
          message: error.message,
          errors: [
            {
              message: error.message,
              domain: 'global',
              reason: known ? error.reason : 'backendError',
            },
          ],
        },
      });
    });
  });
  await new Promise<void>(resolve =>
    server.listen(options.port ?? 0, '127.0.0.1', resolve),
  );
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    endpoint,
    requests,
    objectNames: bucket => [...bucketOf(bucket).keys()].sort(),
    openSessions: () => sessions.size,
    age(bucket, name, byMs) {
      const object = objectOf(bucket, name);
      object.timeCreated = new Date(object.timeCreated.getTime() - byMs);
      object.updated = new Date(object.updated.getTime() - byMs);
    },
    trustServiceAccount(email, publicKeyPem) {
      serviceAccounts.set(email, createPublicKey(publicKeyPem));
    },
    async stop() {
      server.closeAllConnections();
      await new Promise(resolve => server.close(resolve));
    },
  };
}

if (require.main === module) {
  const arg = (name: string, fallback?: string) => {
    const at = process.argv.indexOf(`--${name}`);
    const value = at >= 0 ? process.argv[at + 1] : fallback;
    if (value === undefined) throw new Error(`--${name} is required`);
    return value;
  };
  startGcsServer({
    directory: arg('dir'),
    buckets: arg('bucket').split(','),
    port: Number(arg('port', '0')),
  }).then(
    ({ endpoint }) => console.log(endpoint),
    error => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
