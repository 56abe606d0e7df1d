import request from 'supertest';
import { databases, startRegistry } from '../__testUtils__/startRegistry';

jest.setTimeout(300_000);

type BadRequest = {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  body?: unknown;
  raw?: string;
  contentType?: string;
};

const m = '/api/model-registry/models';
const hostileStrings = [
  "x'; drop table models;--",
  '../../etc/passwd',
  '..%2F..%2Fetc%2Fpasswd',
  '%00',
  'A'.repeat(10_000),
  '<script>alert(1)</script>',
  '${jndi:ldap://x}',
  'UPPER',
  '-dash',
  'trailing-',
  'spa ce',
  'ünïcödé',
  '',
];
const notIntegers = [
  '0',
  '-1',
  '1.5',
  'abc',
  '1e3',
  '99999999999',
  '01',
  ' 1',
  'NaN',
  '0x10',
];

/** Well over 200 malformed or hostile requests. */
function corpus(): BadRequest[] {
  const c: BadRequest[] = [];
  // malformed JSON and wrong content types
  for (const raw of [
    '{',
    '{"name":',
    'null',
    '[]',
    '"string"',
    '42',
    'true',
    '{"name":"a",}',
    '\u0000',
  ]) {
    c.push({ method: 'post', path: m, raw, contentType: 'application/json' });
    c.push({
      method: 'post',
      path: `${m}/good-model/versions`,
      raw,
      contentType: 'application/json',
    });
  }
  c.push({
    method: 'post',
    path: m,
    raw: 'name=x',
    contentType: 'application/x-www-form-urlencoded',
  });
  c.push({
    method: 'post',
    path: m,
    raw: '{"name":"x"}',
    contentType: 'text/plain',
  });
  // oversize
  c.push({
    method: 'post',
    path: m,
    body: {
      name: 'big',
      owner: 'group:default/a',
      description: 'x'.repeat(3 * 1024 * 1024),
    },
  });
  c.push({
    method: 'post',
    path: `${m}/good-model/versions`,
    body: {
      metrics: Array.from({ length: 1001 }, (_, i) => ({
        key: `k${i}`,
        value: 1,
      })),
    },
  });
  c.push({
    method: 'post',
    path: `${m}/good-model/versions`,
    body: { tags: Array.from({ length: 51 }, (_, i) => `t${i}`) },
  });
  // invalid model names in bodies and paths
  for (const name of hostileStrings) {
    c.push({
      method: 'post',
      path: m,
      body: { name, owner: 'group:default/a' },
    });
    c.push({
      method: 'get',
      path: `${m}/${encodeURIComponent(name)}/versions`,
    });
    c.push({
      method: 'put',
      path: `${m}/good-model/aliases/${encodeURIComponent(name)}`,
      body: { version: 1 },
    });
    c.push({ method: 'get', path: `${m}?owner=${encodeURIComponent(name)}` });
  }
  for (const tag of ['UPPER', '-x', 'a b', 'x'.repeat(64), "t'--"]) {
    c.push({ method: 'get', path: `${m}?tag=${encodeURIComponent(tag)}` });
  }
  // wrong types
  for (const owner of [42, null, true, [], {}, 'not-a-ref', 'group:default/']) {
    c.push({ method: 'post', path: m, body: { name: 'typed', owner } });
  }
  for (const body of [
    { name: 'x', owner: 'group:default/a', unknown: 1 },
    { name: 'x', owner: 'group:default/a', tags: 'a' },
    { name: 'x', owner: 'group:default/a', tags: [1] },
    {
      name: 'x',
      owner: 'group:default/a',
      // eslint-disable-next-line no-script-url -- hostile input to refuse
      links: { repoUrl: 'javascript:alert(1)' },
    },
    { name: 'x', owner: 'group:default/a', links: { jiraProject: 'lower' } },
    { name: 'x', owner: 'group:default/a', links: { other: 'x' } },
    { name: 'x', owner: 'group:default/a', description: 5 },
    { name: 'x' },
    {},
  ]) {
    c.push({ method: 'post', path: m, body });
  }
  // versions: not integers in paths
  for (const v of notIntegers) {
    c.push({
      method: 'get',
      path: `${m}/good-model/versions/${encodeURIComponent(v)}`,
    });
    c.push({
      method: 'patch',
      path: `${m}/good-model/versions/${encodeURIComponent(v)}`,
      body: { description: 'x' },
    });
    c.push({
      method: 'put',
      path: `${m}/good-model/versions/${encodeURIComponent(v)}/artifact`,
      raw: 'x',
      contentType: 'application/octet-stream',
    });
    c.push({
      method: 'post',
      path: `${m}/good-model/versions/${encodeURIComponent(v)}/fail`,
      body: { reason: 'x' },
    });
  }
  // bad version bodies
  for (const body of [
    { metrics: [{ key: 'auc' }] },
    { metrics: [{ key: 'auc', value: 'high' }] },
    { metrics: [{ key: 'a b', value: 1 }] },
    {
      metrics: [
        { key: 'auc', value: 1 },
        { key: 'auc', value: 2 },
      ],
    },
    { metrics: [{ key: 'auc', value: 1, step: -1 }] },
    { metrics: 'auc=1' },
    { parameters: { 'bad key': 1 } },
    { parameters: { ok: { nested: true } } },
    { parameters: [] },
    { datasets: [{ role: 'training' }] },
    { datasets: [{ role: 'cooking', uri: 'https://x.example' }] },
    { datasets: [{ role: 'training', uri: 'not a uri' }] },
    {
      datasets: [{ role: 'training', uri: 'https://x.example', digest: 'md5' }],
    },
    { artifact: { uri: 'nope' } },
    { artifact: { uri: 'https://x.example', sha256: 'xyz' } },
    { artifact: { uri: 'https://x.example', size: -1 } },
    { artifactFormat: '../onnx' },
    { source: { commit: 'not-a-sha' } },
    { source: { runId: 5 } },
    { parent: { model: 'good-model', version: 0, relation: 'retrained' } },
    { parent: { model: 'good-model', version: 1, relation: 'copied' } },
    { parent: { model: 'no-such-model', version: 1, relation: 'retrained' } },
    { parent: { model: 'good-model', version: 999, relation: 'retrained' } },
    { modelCard: { intendedUse: 1 } },
    { modelCard: { extra: 'x' } },
    { annotations: { 'Bad Key': 'x' } },
    { annotations: { ok: 1 } },
    { tags: ['UPPER'] },
    { status: 'READY' },
    { version: 7 },
  ]) {
    c.push({ method: 'post', path: `${m}/good-model/versions`, body });
  }
  // bad query strings
  for (const qs of [
    'limit=0',
    'limit=201',
    'limit=abc',
    'limit=-5',
    'limit=1.5',
    'cursor=garbage',
    'cursor=eyJ9',
    'sort=owner',
    'order=up',
    'archived=maybe',
    'unknown=1',
    `search=${'x'.repeat(100)}`,
    'alias=%00',
    'limit=1&limit=2',
  ]) {
    c.push({ method: 'get', path: `${m}?${qs}` });
  }
  for (const qs of [
    'metric=auc',
    'metric=auc>>1',
    'metric=auc>=high',
    'metric=>=1',
    "metric=a'b>=1",
    'status=DONE',
    'createdAfter=yesterday',
    'createdBefore=2026-13-01',
    'model=Bad',
    'tag=%20',
    'cursor=bad',
    'limit=1000',
    'order=sideways',
    `metric=${'a'.repeat(200)}>1`,
  ]) {
    c.push({ method: 'get', path: `/api/model-registry/versions?${qs}` });
    c.push({ method: 'get', path: `${m}/good-model/versions?${qs}` });
  }
  for (const qs of [
    'versions=1',
    'versions=',
    'versions=a,b',
    'versions=1,2,3,4,5,6,7,8,9,10,11',
    'versions=0,1',
    'other=1',
  ]) {
    c.push({ method: 'get', path: `${m}/good-model/compare?${qs}` });
  }
  // aliases, KPIs, audit
  for (const body of [
    {},
    { version: '1' },
    { version: 0 },
    { version: 1.5 },
    { version: 1, extra: true },
    { version: 99 },
  ]) {
    c.push({ method: 'put', path: `${m}/good-model/aliases/champion`, body });
  }
  for (const alias of ['latest', '1', 'v2', 'UPPER', 'a_b']) {
    c.push({
      method: 'put',
      path: `${m}/good-model/aliases/${alias}`,
      body: { version: 1 },
    });
  }
  for (const body of [
    {},
    { value: 'x' },
    { value: 1, unit: 'x'.repeat(100) },
    { value: 1, version: 0 },
    { value: 1, version: 99 },
    { value: 1, other: 1 },
  ]) {
    c.push({ method: 'put', path: `${m}/good-model/kpis/revenue`, body });
  }
  for (const kpi of ['Revenue', 'a b', '-x']) {
    c.push({
      method: 'put',
      path: `${m}/good-model/kpis/${encodeURIComponent(kpi)}`,
      body: { value: 1 },
    });
  }
  for (const qs of ['version=abc', 'limit=0', 'cursor=zzz', 'unknown=x']) {
    c.push({ method: 'get', path: `${m}/good-model/audit?${qs}` });
  }
  // key metrics, the drift filter and the summary
  for (const keyMetric of ['a b', 5, null, {}, 'x'.repeat(129), "k'--"]) {
    c.push({
      method: 'post',
      path: m,
      body: { name: 'keyed', owner: 'group:default/a', keyMetric },
    });
    if (keyMetric !== null) {
      c.push({ method: 'patch', path: `${m}/good-model`, body: { keyMetric } });
    }
  }
  for (const drift of [
    'maybe',
    'DRIFTING',
    '',
    'drift',
    'stable&drift=drifting',
  ]) {
    c.push({ method: 'get', path: `${m}?drift=${drift}` });
  }
  c.push({ method: 'get', path: '/api/model-registry/summary?owner=x' });
  // deployments, drift reports and reference profiles
  const cursorOf = (position: object) =>
    Buffer.from(JSON.stringify(position)).toString('base64url');
  const forgedCursors = [
    'garbage',
    cursorOf({
      createdAt: 'yesterday',
      id: '00000000-0000-0000-0000-000000000000',
    }),
    cursorOf({
      createdAt: '2026-11-01T00:00:00Z',
      id: "x'; drop table models;--",
    }),
    cursorOf({ windowEnd: '2026-11-01T00:00:00Z', id: 42 }),
    cursorOf({
      windowEnd: 'not a date',
      id: '00000000-0000-0000-0000-000000000000',
    }),
  ];
  for (const qs of [
    'limit=0',
    'limit=101',
    'limit=abc',
    'limit=1.5',
    'environment=UPPER',
    'environment=%00',
    `environment=${'e'.repeat(64)}`,
    'version=1',
    'unknown=1',
    ...forgedCursors.map(cursor => `cursor=${cursor}`),
  ]) {
    c.push({ method: 'get', path: `${m}/good-model/deployments?${qs}` });
  }
  for (const qs of [
    'version=0',
    'version=abc',
    'version=-1',
    'since=yesterday',
    'since=2026-13-01T00:00:00Z',
    'since=1700000000',
    'limit=0',
    'limit=101',
    'environment=production',
    ...forgedCursors.map(cursor => `cursor=${cursor}`),
  ]) {
    c.push({ method: 'get', path: `${m}/good-model/drift/reports?${qs}` });
  }
  for (const v of notIntegers) {
    c.push({
      method: 'get',
      path: `${m}/good-model/versions/${encodeURIComponent(
        v,
      )}/reference-profile`,
    });
  }
  for (const path of [
    `${m}/good-model/versions/1/reference-profile`,
    `${m}/good-model/versions/99/reference-profile`,
    `${m}/no-such-model/deployments`,
    `${m}/no-such-model/drift/reports`,
    `${m}/${encodeURIComponent('../etc')}/deployments`,
  ]) {
    c.push({ method: 'get', path });
  }
  // artifact uploads with bad digests and states
  c.push({
    method: 'put',
    path: `${m}/good-model/versions/1/artifact?sha256=xyz`,
    raw: 'bytes',
    contentType: 'application/octet-stream',
  });
  c.push({
    method: 'put',
    path: `${m}/good-model/versions/1/artifact?sha256=${'0'.repeat(64)}`,
    raw: 'bytes',
    contentType: 'application/octet-stream',
  });
  c.push({
    method: 'put',
    path: `${m}/good-model/versions/2/artifact`,
    raw: 'bytes',
    contentType: 'application/octet-stream',
  });
  c.push({ method: 'get', path: `${m}/good-model/versions/1/artifact` });
  c.push({
    method: 'post',
    path: `${m}/good-model/versions/2/fail`,
    body: { reason: 'x' },
  });
  c.push({ method: 'post', path: `${m}/good-model/versions/1/fail`, body: {} });
  c.push({ method: 'delete', path: `${m}/good-model` });
  c.push({
    method: 'patch',
    path: `${m}/good-model`,
    body: { name: 'renamed' },
  });
  c.push({
    method: 'patch',
    path: `${m}/good-model`,
    body: { owner: 'nobody' },
  });
  c.push({
    method: 'patch',
    path: `${m}/good-model/versions/2`,
    body: { metrics: [] },
  });
  // text a database would refuse or silently change, in bodies, keys,
  // paths and query strings
  for (const bad of [
    'a\u0000b',
    'a\uFFFFb',
    'a\uFFFEb',
    'a\uD800b',
    'a\uDC00',
  ]) {
    c.push({
      method: 'post',
      path: m,
      body: { name: 'texts', owner: 'group:default/a', description: bad },
    });
    c.push({
      method: 'patch',
      path: `${m}/good-model`,
      body: { description: bad },
    });
    c.push({
      method: 'post',
      path: `${m}/good-model/versions`,
      body: { parameters: { optimizer: bad } },
    });
    c.push({
      method: 'post',
      path: `${m}/good-model/versions`,
      body: { modelCard: { intendedUse: bad } },
    });
    c.push({
      method: 'post',
      path: `${m}/good-model/versions/1/fail`,
      body: { reason: bad },
    });
    c.push({
      method: 'put',
      path: `${m}/good-model/kpis/revenue`,
      body: { value: 1, unit: bad },
    });
  }
  // (an unpaired surrogate has no UTF-8 form, so it cannot be in a URL)
  for (const bad of ['\u0000', 'a\u0000b', 'a\uFFFFb', 'a\uFFFEb']) {
    const q = encodeURIComponent(bad);
    c.push({ method: 'get', path: `${m}?search=${q}` });
    c.push({ method: 'get', path: `${m}?owner=${q}` });
    c.push({ method: 'get', path: `${m}/good-model/audit?actor=${q}` });
    c.push({ method: 'get', path: `${m}/${q}` });
  }
  // keys that are JavaScript property names are stored or refused, never
  // dropped: __proto__ cannot be an ordinary key
  c.push({
    method: 'post',
    path: `${m}/good-model/versions`,
    raw: '{"parameters":{"__proto__":1,"lr":0.1}}',
    contentType: 'application/json',
  });
  c.push({
    method: 'post',
    path: `${m}/good-model/versions`,
    raw: '{"annotations":{"__proto__":"x"}}',
    contentType: 'application/json',
  });
  // numbers beyond the database's integer columns
  for (const big of [2 ** 31, 2 ** 53, 1e300]) {
    c.push({
      method: 'put',
      path: `${m}/good-model/aliases/champion`,
      body: { version: big },
    });
    c.push({
      method: 'put',
      path: `${m}/good-model/kpis/revenue`,
      body: { value: 1, version: big },
    });
    c.push({
      method: 'post',
      path: `${m}/good-model/versions`,
      body: {
        parent: { model: 'good-model', version: big, relation: 'retrained' },
      },
    });
    c.push({
      method: 'post',
      path: `${m}/good-model/versions`,
      body: { metrics: [{ key: 'auc', value: 1, step: big }] },
    });
    c.push({
      method: 'post',
      path: `${m}/good-model/versions`,
      body: { artifact: { uri: 'https://x.example/m', size: big * 1e10 } },
    });
  }
  // forged cursors of the wrong type for the list and its sort, and
  // versions beyond the caps of what a version carries
  for (const [path, position] of [
    [`${m}?sort=createdAt`, { value: 'not a date', name: 'x' }],
    [`${m}?sort=updatedAt`, { value: 1767225600000, name: 'x' }],
    [`${m}?sort=name`, { value: 42, name: 'x' }],
    [`${m}/good-model/versions?limit=1`, { version: '2' }],
    [`${m}/good-model/versions?limit=1`, { version: 1e300 }],
    [`/api/model-registry/versions?limit=1`, { createdAt: '2026', id: 'x' }],
    [`${m}/good-model/audit?limit=1`, { before: 'x' }],
    [
      `/api/model-registry/deliveries?limit=1`,
      { seq: 1, subscriber: '\u0000' },
    ],
  ] as const) {
    c.push({ method: 'get', path: `${path}&cursor=${cursorOf(position)}` });
  }
  for (const body of [
    {
      parameters: Object.fromEntries(
        Array.from({ length: 70 }, (_, i) => [`p${i}`, 'x'.repeat(4000)]),
      ),
    },
    {
      annotations: Object.fromEntries(
        Array.from({ length: 101 }, (_, i) => [`a${i}`, 'x']),
      ),
    },
    {
      metrics: [
        { key: 'auc', value: 1 },
        { key: 'auc', value: 2, step: 0 },
      ],
    },
  ]) {
    c.push({ method: 'post', path: `${m}/good-model/versions`, body });
  }
  // deployments: bodies, ids, environments that are not configured
  const deployments = `${m}/good-model/deployments`;
  for (const body of [
    {},
    { environment: 'staging' },
    { version: 2 },
    { environment: 'staging', version: 2 },
    { environment: 'UPPER', version: 2 },
    { environment: 'staging', version: 0 },
    { environment: 'staging', version: -1 },
    { environment: 'staging', version: 1.5 },
    { environment: 'staging', version: '2' },
    { environment: 'staging', version: 2 ** 40 },
    { environment: 'staging', version: 2, extra: true },
    { environment: ['staging'], version: 2 },
  ]) {
    c.push({ method: 'post', path: deployments, body });
  }
  const someId = '3f1c2a4e-8b7d-4c6e-9a1b-2c3d4e5f6a7b';
  for (const id of hostileStrings.filter(Boolean)) {
    c.push({
      method: 'post',
      path: `${deployments}/${encodeURIComponent(id)}/rollback`,
      body: {},
    });
    c.push({
      method: 'post',
      path: `${deployments}/${encodeURIComponent(id)}/status`,
      body: { status: 'succeeded' },
    });
  }
  c.push({
    method: 'post',
    path: `${deployments}/${someId}/rollback`,
    body: {},
  });
  c.push({
    method: 'post',
    path: `${deployments}/${someId}/rollback`,
    body: { reason: 'x'.repeat(1001) },
  });
  for (const body of [
    {},
    { status: 'rolled-back' },
    { status: 'paused' },
    { status: 'succeeded', url: ['javascript', 'alert(1)'].join(':') },
    { status: 'succeeded', message: 'm'.repeat(2001) },
    { status: 'succeeded' },
  ]) {
    c.push({ method: 'post', path: `${deployments}/${someId}/status`, body });
  }
  c.push({ method: 'get', path: `${m}/no-such-model/environments` });
  return c;
}

describe.each(databases.eachSupportedId())('bad input (%s)', databaseId => {
  it('answers every malformed or hostile request with a 4xx and writes nothing', async () => {
    const { server, knex } = await startRegistry(databaseId);
    const api = request(server);
    await api
      .post(m)
      .send({ name: 'good-model', owner: 'group:default/a' })
      .expect(201);
    await api.post(`${m}/good-model/versions`).send({}).expect(201); // 1: PENDING
    await api
      .post(`${m}/good-model/versions`)
      .send({ artifact: { uri: 'https://models.example/2.onnx' } })
      .expect(201); // 2: READY

    const tables = [
      'models',
      'model_versions',
      'version_metrics',
      'version_tags',
      'model_aliases',
      'model_kpis',
      'audit_events',
      'outbox_events',
      'deployments',
      'deployment_status_changes',
      'deployment_sync',
      'drift_reports',
      'reference_profiles',
    ];
    const counts = async () =>
      Object.fromEntries(
        await Promise.all(
          tables.map(async t => [
            t,
            Number((await knex(t).count({ c: '*' }))[0].c),
          ]),
        ),
      );
    const before = await counts();

    const requests = corpus();
    expect(requests.length).toBeGreaterThanOrEqual(200);
    const failures: string[] = [];
    for (const r of requests) {
      let call = api[r.method](r.path);
      if (r.raw !== undefined) {
        call = call.set('Content-Type', r.contentType!).send(r.raw);
      } else if (r.body !== undefined) {
        call = call.send(r.body as object);
      }
      const res = await call;
      if (res.status < 400 || res.status >= 500) {
        failures.push(
          `${r.method.toUpperCase()} ${r.path.slice(0, 120)} -> ${
            res.status
          } ${JSON.stringify(res.body).slice(0, 200)}`,
        );
      } else if (
        res.headers['content-type']?.includes('json') &&
        !res.body?.error?.message
      ) {
        failures.push(
          `${r.method.toUpperCase()} ${r.path.slice(0, 120)} -> ${
            res.status
          } without an error message`,
        );
      }
    }
    expect(failures).toEqual([]);
    expect(await counts()).toEqual(before);
  });
});
