import { Entity } from '@backstage/catalog-model';
import {
  createMockDirectory,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
// The tests run the real registry; the module itself never imports it.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import { modelRegistryPlugin } from '@mlreg/plugin-model-registry-backend';
import { Server } from 'node:http';
import request from 'supertest';
import { modelRegistryModuleOpenLineage } from './module';
import { OPENLINEAGE_PATH } from './router';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
const base = '/api/model-registry';
const url = `${base}${OPENLINEAGE_PATH}`;
const schemaURL =
  'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent';

const transactions: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name: 'card-transactions',
    namespace: 'default',
    annotations: {
      'mlreg.io/openlineage-dataset':
        'postgres://warehouse:5432/analytics.public.card_transactions',
    },
  },
  spec: { type: 'database-table', owner: 'group:default/data-platform' },
};

/** An Airflow task that trains and registers fraud-detector v1. */
function airflowEvent(eventType: string, eventTime: string) {
  return {
    eventType,
    eventTime,
    producer:
      'https://github.com/apache/airflow/tree/providers-openlineage/2.7.0',
    schemaURL,
    run: {
      runId: '0195a6b0-3c2d-7f11-9a4e-1c2d3e4f5a6b',
      facets: {
        nominalTime: {
          _producer: 'https://github.com/apache/airflow',
          _schemaURL:
            'https://openlineage.io/spec/facets/1-0-1/NominalTimeRunFacet.json',
          nominalStartTime: '2026-11-29T06:00:00Z',
        },
      },
    },
    job: {
      namespace: 'airflow-prod',
      name: 'train_fraud.fit_and_register',
      facets: {
        jobType: {
          _producer: 'https://github.com/apache/airflow',
          _schemaURL:
            'https://openlineage.io/spec/facets/2-0-3/JobTypeJobFacet.json',
          processingType: 'BATCH',
          integration: 'AIRFLOW',
          jobType: 'TASK',
        },
      },
    },
    inputs: [
      {
        namespace: 'postgres://warehouse:5432',
        name: 'analytics.public.card_transactions',
      },
      { namespace: 's3://features', name: 'fraud/2026-11-29.parquet' },
    ],
    outputs: [{ namespace: 'mlreg', name: 'fraud-detector/1' }],
  };
}

/** A Spark application that writes features and a model version (facet). */
const sparkEvent = {
  eventType: 'COMPLETE',
  eventTime: '2026-11-29T07:15:42.123Z',
  producer:
    'https://github.com/OpenLineage/OpenLineage/tree/1.40.0/integration/spark',
  schemaURL,
  run: { runId: '0195a6b1-0000-7000-8000-000000000001' },
  job: { namespace: 'spark-cluster-1', name: 'fraud_training.execute_insert' },
  inputs: [
    { namespace: 'hdfs://namenode:8020', name: '/data/raw/transactions' },
  ],
  outputs: [
    { namespace: 'hdfs://namenode:8020', name: '/data/features/fraud' },
    {
      namespace: 's3://models',
      name: 'fraud/2',
      facets: {
        mlreg: {
          _producer: 'https://example.com/training',
          _schemaURL: 'https://example.com/schemas/MlregDatasetFacet.json',
          model: 'fraud-detector',
          version: 2,
        },
      },
    },
  ],
};

/** A dbt model run: inputs and outputs are tables, no model version. */
const dbtEvent = {
  eventType: 'COMPLETE',
  eventTime: '2026-11-29T05:00:00Z',
  producer:
    'https://github.com/OpenLineage/OpenLineage/tree/1.40.0/integration/dbt',
  schemaURL,
  run: { runId: '0195a6b2-0000-7000-8000-000000000002' },
  job: { namespace: 'dbt', name: 'analytics.fct_transactions' },
  inputs: [
    { namespace: 'postgres://warehouse:5432', name: 'analytics.public.raw' },
  ],
  outputs: [
    {
      namespace: 'postgres://warehouse:5432',
      name: 'analytics.public.card_transactions',
    },
  ],
};

describe.each(databases.eachSupportedId())('OpenLineage ingestion (%s)', id => {
  let server: Server;

  beforeAll(async () => {
    const knex = await databases.init(id);
    ({ server } = await startTestBackend({
      features: [
        modelRegistryPlugin,
        modelRegistryModuleOpenLineage,
        mockServices.database.factory({ knex }),
        catalogServiceMock.factory({ entities: [transactions] }),
        mockServices.rootConfig.factory({
          data: {
            modelRegistry: {
              storage: {
                filesystem: { rootDir: createMockDirectory().path },
              },
            },
          },
        }),
      ],
    }));
    await request(server)
      .post(`${base}/models`)
      .send({ name: 'fraud-detector', owner: 'group:default/data-science' })
      .expect(201);
    for (const n of [1, 2]) {
      await request(server)
        .post(`${base}/models/fraud-detector/versions`)
        .send({ artifact: { uri: `s3://models/fraud/${n}` } })
        .expect(201);
    }
  });

  async function lineage() {
    const res = await request(server)
      .get(`${base}/models/fraud-detector/lineage`)
      .expect(200);
    return res.body as {
      nodes: Array<{ id: string; label: string; entityRef?: string }>;
      edges: Array<{ from: string; to: string; type: string }>;
    };
  }

  it('links an Airflow run and its inputs to the version it outputs, whatever the order and repetition of its events', async () => {
    // COMPLETE arrives before START, and twice.
    const complete = airflowEvent('COMPLETE', '2026-11-29T06:20:00Z');
    const start = airflowEvent('START', '2026-11-29T06:00:00Z');
    const first = await request(server).post(url).send(complete).expect(201);
    expect(first.body).toEqual({
      linked: [{ model: 'fraud-detector', version: 1 }],
    });
    await request(server).post(url).send(start).expect(201);
    await request(server).post(url).send(complete).expect(201);

    const graph = await lineage();
    const run = 'run:0195a6b0-3c2d-7f11-9a4e-1c2d3e4f5a6b';
    expect(graph.nodes).toEqual(
      expect.arrayContaining([
        {
          id: run,
          kind: 'run',
          label: 'airflow-prod/train_fraud.fit_and_register (COMPLETE)',
        },
        {
          id: 'dataset:resource:default/card-transactions',
          kind: 'dataset',
          label: 'card-transactions',
          entityRef: 'resource:default/card-transactions',
        },
        {
          id: 'dataset:s3://features/fraud/2026-11-29.parquet',
          kind: 'dataset',
          label: 's3://features/fraud/2026-11-29.parquet',
        },
      ]),
    );
    expect(graph.edges).toEqual(
      expect.arrayContaining([
        { from: 'version:fraud-detector/1', to: run, type: 'producedBy' },
        {
          from: 'version:fraud-detector/1',
          to: 'dataset:resource:default/card-transactions',
          type: 'trainedOn',
        },
      ]),
    );

    // One audit record: the late START (older than COMPLETE, same inputs)
    // and the repeated COMPLETE change nothing and write nothing.
    const audit = await request(server)
      .get(`${base}/models/fraud-detector/audit?action=version.run`)
      .expect(200);
    expect(audit.body.items).toHaveLength(1);
  });

  it('links a Spark run through the mlreg facet of an output', async () => {
    await request(server).post(url).send(sparkEvent).expect(201);
    const graph = await lineage();
    expect(graph.edges).toEqual(
      expect.arrayContaining([
        {
          from: 'version:fraud-detector/2',
          to: 'run:0195a6b1-0000-7000-8000-000000000001',
          type: 'producedBy',
        },
        {
          from: 'version:fraud-detector/2',
          to: 'dataset:hdfs://namenode:8020//data/raw/transactions',
          type: 'trainedOn',
        },
      ]),
    );
  });

  it('accepts a dbt run that outputs no model version, and links nothing', async () => {
    const res = await request(server).post(url).send(dbtEvent).expect(200);
    expect(res.body).toEqual({ linked: [] });
    const graph = await lineage();
    expect(graph.nodes.map(n => n.id)).not.toContain(
      'run:0195a6b2-0000-7000-8000-000000000002',
    );
  });

  it.each([
    [
      { ...dbtEvent, run: { runId: 'not-a-uuid' } },
      /\/run\/runId must match format "uuid"/,
    ],
    [{ ...dbtEvent, eventType: 'DONE' }, /\/eventType must be one of START/],
    [
      { ...dbtEvent, eventTime: 'yesterday' },
      /\/eventTime must match format "date-time"/,
    ],
    [{ ...dbtEvent, job: { namespace: 'dbt' } }, /\/job\/name is required/],
    [(({ producer: _p, ...rest }) => rest)(dbtEvent), /\/producer is required/],
    [[dbtEvent], /must be a JSON object/],
  ])(
    'answers an invalid event with a 400 naming the field (%#)',
    async (event, message) => {
      const res = await request(server)
        .post(url)
        .send(event as object)
        .expect(400);
      expect(res.body.error.message).toMatch(message);
    },
  );

  it('answers an output naming an unknown version with a 404', async () => {
    const res = await request(server)
      .post(url)
      .send({
        ...dbtEvent,
        outputs: [{ namespace: 'mlreg', name: 'fraud-detector/9' }],
      })
      .expect(404);
    expect(res.body.error.message).toMatch(/version 9/);
  });
});
