import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import request from 'supertest';
import { databases, startRegistry } from '../__testUtils__/startRegistry';

jest.setTimeout(120_000);

const base = '/api/model-registry';

/** CycloneDX 1.6's JSON schema, as @cyclonedx/cyclonedx-library ships it. */
function cycloneDxValidator() {
  const dir = join(
    dirname(require.resolve('@cyclonedx/cyclonedx-library/package.json')),
    'res/schema',
  );
  const load = (file: string) =>
    JSON.parse(readFileSync(join(dir, file), 'utf8'));
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  // The document refers to them relative to its $id.
  for (const file of [
    'spdx.SNAPSHOT.schema.json',
    'jsf-0.82.SNAPSHOT.schema.json',
  ]) {
    const { $id: _id, ...schema } = load(file);
    ajv.addSchema(schema, `http://cyclonedx.org/schema/${file}`);
  }
  return ajv.compile(load('bom-1.6.SNAPSHOT.schema.json'));
}

describe.each(databases.eachSupportedId())(
  'CycloneDX ML-BOM export (%s)',
  databaseId => {
    const validate = cycloneDxValidator();
    let server: Awaited<ReturnType<typeof startRegistry>>['server'];

    beforeAll(async () => {
      ({ server } = await startRegistry(databaseId));
    });

    it('exports a version with model card, metrics, datasets and lineage, valid against the CycloneDX 1.6 schema', async () => {
      await request(server)
        .post(`${base}/models`)
        .send({
          name: 'fraud-bom',
          owner: 'group:default/data-science',
          task: 'classification',
          framework: 'xgboost',
        })
        .expect(201);
      await request(server)
        .post(`${base}/models/fraud-bom/versions`)
        .send({
          description: 'baseline',
          source: { runId: 'run-7', commit: 'a1b2c3d4e5f6' },
          artifact: {
            uri: 's3://models/fraud/7',
            sha256: 'a'.repeat(64),
          },
          parameters: { max_depth: 6 },
          metrics: [{ key: 'auc', value: 0.91, dataset: 'holdout' }],
          datasets: [
            {
              role: 'training',
              entityRef: 'resource:default/card-transactions',
            },
            { role: 'evaluation', uri: 's3://data/holdout.parquet' },
          ],
          modelCard: {
            intendedUse: 'Score card payments',
            limitations: 'Not for wire transfers',
            ethicalConsiderations: 'Reviewed for bias by region',
            license: 'Apache-2.0',
          },
        })
        .expect(201);
      await request(server)
        .post(`${base}/models/fraud-bom/versions/1/runs`)
        .send({
          runId: '0195a6b0-3c2d-7f11-9a4e-1c2d3e4f5a6b',
          job: 'airflow-prod/train_fraud',
          eventType: 'COMPLETE',
          eventTime: '2026-11-29T06:20:00Z',
          inputs: [{ namespace: 's3://features', name: 'fraud.parquet' }],
        })
        .expect(200);

      const res = await request(server)
        .get(`${base}/models/fraud-bom/versions/1/cyclonedx`)
        .expect(200);
      const bom = res.body;
      expect(validate(bom)).toBe(true);
      expect(validate.errors ?? []).toEqual([]);
      const model = bom.components[0];
      expect(model).toMatchObject({
        type: 'machine-learning-model',
        name: 'fraud-bom',
        version: '1',
        hashes: [{ alg: 'SHA-256', content: 'a'.repeat(64) }],
        licenses: [{ license: { name: 'Apache-2.0' } }],
        externalReferences: [
          { type: 'distribution', url: 's3://models/fraud/7' },
        ],
        modelCard: {
          modelParameters: {
            task: 'classification',
            architectureFamily: 'xgboost',
          },
          quantitativeAnalysis: {
            performanceMetrics: [
              { type: 'auc', value: '0.91', slice: 'holdout' },
            ],
          },
          considerations: {
            useCases: ['Score card payments'],
            technicalLimitations: ['Not for wire transfers'],
          },
        },
      });
      expect(
        bom.components.slice(1).map((c: { name: string }) => c.name),
      ).toEqual([
        'resource:default/card-transactions',
        's3://data/holdout.parquet',
        's3://features/fraud.parquet',
      ]);
      expect(bom.dependencies[0]).toEqual({
        ref: 'model:fraud-bom@1',
        dependsOn: [
          'dataset:resource:default/card-transactions',
          'dataset:s3://data/holdout.parquet',
          'dataset:s3://features/fraud.parquet',
        ],
      });

      // A version with nothing but its artifact is a valid document too.
      await request(server)
        .post(`${base}/models/fraud-bom/versions`)
        .send({ artifact: { uri: 'https://models.example.com/fraud/2' } })
        .expect(201);
      const bare = await request(server)
        .get(`${base}/models/fraud-bom/versions/2/cyclonedx`)
        .expect(200);
      expect(validate(bare.body)).toBe(true);
      await request(server)
        .get(`${base}/models/fraud-bom/versions/9/cyclonedx`)
        .expect(404);
    });
  },
);
