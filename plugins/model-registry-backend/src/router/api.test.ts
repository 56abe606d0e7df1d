import request from 'supertest';
import { createHash } from 'node:crypto';
import { Entity } from '@backstage/catalog-model';
import { databases, startRegistry } from '../__testUtils__/startRegistry';

jest.setTimeout(120_000);

const base = '/api/model-registry';
const owner = 'group:default/data-science';

const checkoutService: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checkout-service', namespace: 'default' },
  spec: { type: 'service', owner, lifecycle: 'production' },
  relations: [{ type: 'dependsOn', targetRef: 'model:default/fraud-detector' }],
};

describe.each(databases.eachSupportedId())('REST API (%s)', databaseId => {
  let server: Awaited<ReturnType<typeof startRegistry>>['server'];

  beforeAll(async () => {
    ({ server } = await startRegistry(databaseId, {
      catalogEntities: [checkoutService],
    }));
  });

  const api = () => request(server);

  async function createModel(name: string, extra: object = {}) {
    await api()
      .post(`${base}/models`)
      .send({ name, owner, ...extra })
      .expect(201);
  }

  async function registerVersion(model: string, body: object = {}) {
    const res = await api()
      .post(`${base}/models/${model}/versions`)
      .send(body)
      .expect(201);
    return res.body;
  }

  async function uploadArtifact(model: string, version: number, bytes: Buffer) {
    return api()
      .put(`${base}/models/${model}/versions/${version}/artifact`)
      .set('Content-Type', 'application/octet-stream')
      .send(bytes);
  }

  it('registers versions numbered 1, 2, 3 with their metadata', async () => {
    await createModel('fraud-detector', {
      tags: ['payments'],
      framework: 'xgboost',
    });
    const v1 = await registerVersion('fraud-detector', {
      description: 'baseline',
      source: { runId: 'run-1', commit: 'a1b2c3d4e5f6' },
      parameters: { max_depth: 6, eta: 0.3, objective: 'binary:logistic' },
      metrics: [
        { key: 'auc', value: 0.91, dataset: 'holdout' },
        { key: 'loss', value: 0.3, step: 10 },
      ],
      datasets: [
        { role: 'training', entityRef: 'resource:default/card-transactions' },
        {
          role: 'evaluation',
          uri: 'https://data.example/holdout.parquet',
          digest: 'sha256:0123456789abcdef',
        },
      ],
      tags: ['baseline'],
      modelCard: { intendedUse: 'Card fraud scoring', license: 'proprietary' },
      artifactFormat: 'onnx',
    });
    expect(v1).toMatchObject({
      model: 'fraud-detector',
      version: 1,
      status: 'PENDING',
      source: { runId: 'run-1', commit: 'a1b2c3d4e5f6' },
      parameters: { max_depth: 6, eta: 0.3, objective: 'binary:logistic' },
      metrics: [
        { key: 'auc', value: 0.91, dataset: 'holdout' },
        { key: 'loss', value: 0.3, step: 10 },
      ],
      tags: ['baseline'],
      modelCard: { intendedUse: 'Card fraud scoring', license: 'proprietary' },
      createdBy: 'user:default/mock',
    });
    const v2 = await registerVersion('fraud-detector', {
      artifact: { uri: 's3://models/fraud/2.onnx', format: 'onnx' },
      metrics: [{ key: 'auc', value: 0.95, dataset: 'holdout' }],
      parent: { model: 'fraud-detector', version: 1, relation: 'retrained' },
    });
    expect(v2).toMatchObject({
      version: 2,
      status: 'READY',
      artifact: { location: 'external', uri: 's3://models/fraud/2.onnx' },
      parent: { model: 'fraud-detector', version: 1, relation: 'retrained' },
    });
    const v3 = await registerVersion('fraud-detector');
    expect(v3.version).toBe(3);
  });

  it('uploads and downloads an artifact, verifying its digest', async () => {
    const bytes = Buffer.from('model weights '.repeat(1000));
    const sha256 = createHash('sha256').update(bytes).digest('hex');

    const wrong = await api()
      .put(
        `${base}/models/fraud-detector/versions/1/artifact?sha256=${'0'.repeat(
          64,
        )}`,
      )
      .set('Content-Type', 'application/octet-stream')
      .send(bytes);
    expect(wrong.status).toBe(400);
    const stillPending = await api().get(
      `${base}/models/fraud-detector/versions/1`,
    );
    expect(stillPending.body.status).toBe('PENDING');

    const uploaded = await api()
      .put(`${base}/models/fraud-detector/versions/1/artifact?sha256=${sha256}`)
      .set('Content-Type', 'application/octet-stream')
      .send(bytes)
      .expect(200);
    expect(uploaded.body).toMatchObject({
      status: 'READY',
      artifact: {
        location: 'registry',
        sha256,
        size: bytes.length,
        format: 'onnx',
      },
    });

    const download = await api()
      .get(`${base}/models/fraud-detector/versions/1/artifact`)
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', c => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(download.body.equals(bytes)).toBe(true);
    expect(download.headers['content-disposition']).toContain(
      'fraud-detector-v1.onnx',
    );

    // READY is final: no second upload
    expect((await uploadArtifact('fraud-detector', 1, bytes)).status).toBe(409);
    // a PENDING version has nothing to download
    await api()
      .get(`${base}/models/fraud-detector/versions/3/artifact`)
      .expect(409);
  });

  it('marks a PENDING version FAILED, once', async () => {
    await api()
      .post(`${base}/models/fraud-detector/versions/3/fail`)
      .send({ reason: 'training job was killed' })
      .expect(200)
      .expect(res =>
        expect(res.body).toMatchObject({
          status: 'FAILED',
          failureReason: 'training job was killed',
        }),
      );
    await api()
      .post(`${base}/models/fraud-detector/versions/3/fail`)
      .send({ reason: 'again' })
      .expect(409);
    expect(
      (await uploadArtifact('fraud-detector', 3, Buffer.from('x'))).status,
    ).toBe(409);
  });

  it('sets, moves, reads and deletes aliases, keeping who moved them', async () => {
    await api()
      .put(`${base}/models/fraud-detector/aliases/champion`)
      .send({ version: 1 })
      .expect(200)
      .expect(res =>
        expect(res.body).toMatchObject({ alias: 'champion', version: 1 }),
      );
    await api()
      .put(`${base}/models/fraud-detector/aliases/champion`)
      .send({ version: 2 })
      .expect(200);
    await api()
      .get(`${base}/models/fraud-detector/aliases/champion`)
      .expect(200)
      .expect(res =>
        expect(res.body).toMatchObject({
          model: 'fraud-detector',
          version: 2,
          aliases: ['champion'],
        }),
      );
    // A missing alias and a missing model are told apart.
    await api()
      .get(`${base}/models/fraud-detector/aliases/canary`)
      .expect(404)
      .expect(res =>
        expect(res.body.error.message).toBe(
          'model "fraud-detector" has no alias "canary"',
        ),
      );
    await api()
      .get(`${base}/models/no-such-model/aliases/champion`)
      .expect(404)
      .expect(res =>
        expect(res.body.error.message).toBe('model "no-such-model" not found'),
      );
    // only READY versions
    await api()
      .put(`${base}/models/fraud-detector/aliases/staging`)
      .send({ version: 3 })
      .expect(409);
    await api()
      .put(`${base}/models/fraud-detector/aliases/latest`)
      .send({ version: 1 })
      .expect(400)
      .expect(res => expect(res.body.error.message).toMatch(/reserved/));

    const audit = await api()
      .get(`${base}/models/fraud-detector/audit?action=alias.set`)
      .expect(200);
    expect(
      audit.body.items.map((r: any) => [r.before?.version, r.after.version]),
    ).toEqual([
      [1, 2],
      [undefined, 1],
    ]);
    expect(audit.body.items[0].actor).toBe('user:default/mock');

    await api()
      .delete(`${base}/models/fraud-detector/aliases/champion`)
      .expect(204);
    await api()
      .get(`${base}/models/fraud-detector/aliases/champion`)
      .expect(404);
  });

  it('lists and searches versions with filters and cursors', async () => {
    const page1 = await api()
      .get(`${base}/models/fraud-detector/versions?limit=2`)
      .expect(200);
    expect(page1.body.items.map((v: any) => v.version)).toEqual([3, 2]);
    const page2 = await api()
      .get(
        `${base}/models/fraud-detector/versions?limit=2&cursor=${page1.body.nextCursor}`,
      )
      .expect(200);
    expect(page2.body.items.map((v: any) => v.version)).toEqual([1]);
    expect(page2.body.nextCursor).toBeUndefined();

    const good = await api()
      .get(`${base}/versions?metric=auc>=0.93`)
      .expect(200);
    expect(good.body.items.map((v: any) => `${v.model}/${v.version}`)).toEqual([
      'fraud-detector/2',
    ]);
    const both = await api()
      .get(
        `${base}/versions?model=fraud-detector&metric=auc>0.9&metric=loss<0.5`,
      )
      .expect(200);
    expect(both.body.items.map((v: any) => v.version)).toEqual([1]);
    const ready = await api()
      .get(`${base}/models/fraud-detector/versions?status=READY&order=asc`)
      .expect(200);
    expect(ready.body.items.map((v: any) => v.version)).toEqual([1, 2]);
    const tagged = await api().get(`${base}/versions?tag=baseline`).expect(200);
    expect(tagged.body.items.map((v: any) => v.version)).toEqual([1]);
    const future = await api()
      .get(
        `${base}/versions?createdAfter=${encodeURIComponent(
          '2999-01-01T00:00:00Z',
        )}`,
      )
      .expect(200);
    expect(future.body.items).toEqual([]);
  });

  it('compares versions and shows a metric trend', async () => {
    const res = await api()
      .get(`${base}/models/fraud-detector/compare?versions=1,2`)
      .expect(200);
    expect(res.body.versions.map((v: any) => v.version)).toEqual([1, 2]);
    expect(res.body.metrics).toContainEqual({
      key: 'auc@holdout',
      values: { 1: 0.91, 2: 0.95 },
      differs: true,
    });
    expect(res.body.parameters).toContainEqual({
      key: 'max_depth',
      values: { 1: 6, 2: null },
      differs: true,
    });
    await api()
      .get(`${base}/models/fraud-detector/compare?versions=1,99`)
      .expect(404);

    const trend = await api()
      .get(`${base}/models/fraud-detector/metrics/auc/trend`)
      .expect(200);
    expect(trend.body.items).toEqual([
      { version: 1, value: 0.91, dataset: 'holdout' },
      { version: 2, value: 0.95, dataset: 'holdout' },
    ]);
  });

  it('keeps business KPIs with their history', async () => {
    await api()
      .put(`${base}/models/fraud-detector/kpis/revenue-impact`)
      .send({
        value: 120000,
        unit: 'EUR',
        period: '2026-10',
        source: 'finance',
      })
      .expect(200);
    await api()
      .put(`${base}/models/fraud-detector/kpis/revenue-impact`)
      .send({
        value: 135000,
        unit: 'EUR',
        period: '2026-11',
        source: 'finance',
      })
      .expect(200);
    await api()
      .put(`${base}/models/fraud-detector/kpis/cost-per-1k`)
      .send({ value: 0.42, unit: 'USD', version: 2 })
      .expect(200);
    const current = await api()
      .get(`${base}/models/fraud-detector/kpis`)
      .expect(200);
    expect(current.body.items).toEqual([
      expect.objectContaining({ name: 'cost-per-1k', value: 0.42, version: 2 }),
      expect.objectContaining({
        name: 'revenue-impact',
        value: 135000,
        period: '2026-11',
      }),
    ]);
    const history = await api()
      .get(`${base}/models/fraud-detector/kpis/revenue-impact/history`)
      .expect(200);
    expect(history.body.items.map((k: any) => k.value)).toEqual([
      135000, 120000,
    ]);
  });

  it('returns the lineage graph with datasets, sources, parents and consumers', async () => {
    await createModel('fraud-detector-small');
    await registerVersion('fraud-detector-small', {
      artifact: { uri: 'https://models.example/small.onnx' },
      parent: { model: 'fraud-detector', version: 2, relation: 'distilled' },
    });
    const res = await api()
      .get(`${base}/models/fraud-detector/lineage`)
      .expect(200);
    const edges = res.body.edges.map(
      (e: any) => `${e.from} -${e.type}-> ${e.to}`,
    );
    expect(edges).toEqual(
      expect.arrayContaining([
        'version:fraud-detector/1 -versionOf-> model:fraud-detector',
        'version:fraud-detector/1 -trainedOn-> dataset:resource:default/card-transactions',
        'version:fraud-detector/1 -evaluatedOn-> dataset:https://data.example/holdout.parquet@sha256:0123456789abcdef',
        'version:fraud-detector/1 -producedBy-> run:run-1',
        'version:fraud-detector/1 -builtFrom-> commit:a1b2c3d4e5f6',
        'version:fraud-detector/2 -derivedFrom-> version:fraud-detector/1',
        'version:fraud-detector-small/1 -derivedFrom-> version:fraud-detector/2',
        'catalog:component:default/checkout-service -consumes-> model:fraud-detector',
      ]),
    );
  });

  it('updates, archives, restores and deletes models by the rules', async () => {
    await api()
      .patch(`${base}/models/fraud-detector`)
      .send({
        description: 'Scores card payments',
        tags: ['payments', 'tabular'],
      })
      .expect(200)
      .expect(res =>
        expect(res.body).toMatchObject({
          description: 'Scores card payments',
          tags: ['payments', 'tabular'],
        }),
      );

    await api().post(`${base}/models/fraud-detector/archive`).expect(200);
    const listed = await api().get(`${base}/models`).expect(200);
    expect(listed.body.items.map((m: any) => m.name)).not.toContain(
      'fraud-detector',
    );
    const archived = await api()
      .get(`${base}/models?archived=only`)
      .expect(200);
    expect(archived.body.items.map((m: any) => m.name)).toEqual([
      'fraud-detector',
    ]);
    await api()
      .post(`${base}/models/fraud-detector/versions`)
      .send({})
      .expect(409);
    await api().post(`${base}/models/fraud-detector/restore`).expect(200);

    await api()
      .delete(`${base}/models/fraud-detector`)
      .expect(409)
      .expect(res =>
        expect(res.body.error.message).toMatch(/archive it instead/),
      );
    await createModel('empty-model');
    await api().delete(`${base}/models/empty-model`).expect(204);
    await api().get(`${base}/models/empty-model`).expect(404);
    // the audit trail outlives the model
    const audit = await api()
      .get(`${base}/models/empty-model/audit`)
      .expect(200);
    expect(audit.body.items.map((r: any) => r.action)).toEqual([
      'model.delete',
      'model.create',
    ]);
  });

  it('filters and sorts models', async () => {
    await createModel('churn-predictor', {
      task: 'classification',
      framework: 'lightgbm',
      tags: ['growth'],
    });
    await createModel('demand-forecaster', {
      task: 'forecasting',
      owner: 'group:default/ml-platform',
    });
    const names = async (qs: string) =>
      (await api().get(`${base}/models?${qs}`).expect(200)).body.items.map(
        (m: any) => m.name,
      );
    expect(await names('tag=growth')).toEqual(['churn-predictor']);
    expect(await names('owner=group:default/ml-platform')).toEqual([
      'demand-forecaster',
    ]);
    expect(await names('framework=xgboost')).toEqual(['fraud-detector']);
    expect(await names('task=forecasting')).toEqual(['demand-forecaster']);
    expect(await names('prefix=fraud')).toEqual([
      'fraud-detector',
      'fraud-detector-small',
    ]);
    expect(await names('search=detector')).toEqual([
      'fraud-detector',
      'fraud-detector-small',
    ]);
    expect(await names('search=%25')).toEqual([]);
    expect(await names('sort=createdAt&order=desc&limit=2')).toEqual([
      'demand-forecaster',
      'churn-predictor',
    ]);
    const first = await api().get(
      `${base}/models?sort=createdAt&order=desc&limit=2`,
    );
    const next = await names(
      `sort=createdAt&order=desc&limit=2&cursor=${first.body.nextCursor}`,
    );
    expect(next).toEqual(['fraud-detector-small', 'fraud-detector']);
  });

  it('writes one outbox event per change, in the same transaction', async () => {
    const { knex } = await startRegistry(databaseId).then(async started => {
      await request(started.server)
        .post(`${base}/models`)
        .send({ name: 'evt', owner })
        .expect(201);
      await request(started.server)
        .post(`${base}/models`)
        .send({ name: 'evt', owner })
        .expect(409);
      return started;
    });
    const events = await knex('outbox_events').select(
      'type',
      'model_name',
      'event_id',
    );
    expect(events.map(e => [e.type, e.model_name])).toEqual([
      ['model.created', 'evt'],
    ]);
    const audit = await knex('audit_events').select('action');
    expect(audit.map(a => a.action)).toEqual(['model.create']);
  });

  it('serves an OpenAPI document that describes every route', async () => {
    const res = await api().get(`${base}/openapi.json`).expect(200);
    expect(res.body.openapi).toBe('3.1.0');
    const operations = Object.entries(res.body.paths).flatMap(([path, ops]) =>
      Object.keys(ops as object).map(
        method => `${method.toUpperCase()} ${path}`,
      ),
    );
    expect(operations).toEqual(
      expect.arrayContaining([
        'GET /health',
        'POST /models',
        'PUT /models/{name}/versions/{version}/artifact',
        'PUT /models/{name}/aliases/{alias}',
        'GET /models/{name}/lineage',
        'GET /models/{name}/audit',
        'GET /summary',
        'GET /models/{name}/deployments',
        'GET /models/{name}/drift/reports',
        'GET /models/{name}/versions/{version}/reference-profile',
        'PUT /models/{name}/versions/{version}/reference-profile',
        'PUT /models/{name}/versions/{version}/reference-profile/data',
        'POST /models/{name}/environments/{environment}/drift/batches',
        'POST /models/{name}/environments/{environment}/drift/batches/data',
        'POST /models/{name}/environments/{environment}/drift/check',
        'POST /models/{name}/monitor/events',
        'POST /models/{name}/rename',
        'POST /models/{name}/versions/{version}/runs',
        'GET /models/{name}/versions/{version}/cyclonedx',
      ]),
    );
    expect(operations).toHaveLength(50);
    const listModels = res.body.paths['/models'].get;
    expect(
      listModels.parameters.find((p: any) => p.name === 'drift').schema.enum,
    ).toEqual(['drifting', 'stable', 'unmonitored']);
    const deployments = res.body.paths['/models/{name}/deployments'].get;
    expect(deployments.parameters.map((p: any) => `${p.in}:${p.name}`)).toEqual(
      ['path:name', 'query:environment', 'query:limit', 'query:cursor'],
    );
    const page =
      deployments.responses['200'].content['application/json'].schema;
    expect(page.properties.items.items).toEqual({ $ref: '#/$defs/Deployment' });
    expect(page.$defs.Deployment.properties.status).toEqual({
      $ref: '#/$defs/DeploymentStatus',
    });
    expect(page.$defs.DeploymentStatus.enum).toContain('rolled-back');
    expect(
      res.body.paths['/models/{name}/versions/{version}/reference-profile'].get
        .responses['404'],
    ).toBeDefined();
    expect(
      Object.keys(
        res.body.paths['/models/{name}/versions/{version}/artifact'].put
          .responses,
      ),
    ).toEqual(expect.arrayContaining(['200', '400', '408', '413', '507']));
    const model =
      res.body.paths['/models/{name}'].get.responses['200'].content[
        'application/json'
      ].schema.$defs.Model;
    expect(model.required).toEqual(expect.arrayContaining(['health']));
    expect(Object.keys(model.properties)).toEqual(
      expect.arrayContaining(['keyMetric', 'keyMetricValue', 'health']),
    );
    const ids = Object.values(res.body.paths).flatMap(ops =>
      Object.values(ops as Record<string, { operationId: string }>).map(
        o => o.operationId,
      ),
    );
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('stores exactly the bytes sent, whatever their Content-Type', async () => {
    await createModel('xgb-ranker');
    const samples = [
      ['application/json', '{"trees":[1,2,3]}'],
      ['application/x-www-form-urlencoded', 'a=1&b=2'],
      ['text/plain', 'plain text weights'],
    ];
    for (const [contentType, text] of samples) {
      const version = await registerVersion('xgb-ranker');
      const bytes = Buffer.from(text);
      const uploaded = await api()
        .put(`${base}/models/xgb-ranker/versions/${version.version}/artifact`)
        .set('Content-Type', contentType)
        .send(text)
        .expect(200);
      expect(uploaded.body.artifact).toMatchObject({
        size: bytes.length,
        sha256: createHash('sha256').update(bytes).digest('hex'),
      });
      const download = await api()
        .get(`${base}/models/xgb-ranker/versions/${version.version}/artifact`)
        .buffer(true)
        .parse((res, cb) => {
          const chunks: Buffer[] = [];
          res.on('data', c => chunks.push(c));
          res.on('end', () => cb(null, Buffer.concat(chunks)));
        })
        .expect(200);
      expect(download.body.equals(bytes)).toBe(true);
    }
  });
});
