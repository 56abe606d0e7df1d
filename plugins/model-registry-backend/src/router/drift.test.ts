import { Entity } from '@backstage/catalog-model';
import { Knex } from 'knex';
import request from 'supertest';
import { databases, startRegistry } from '../__testUtils__/startRegistry';
import { RegistryDatabase } from '../database/RegistryDatabase';

jest.setTimeout(120_000);

const base = '/api/model-registry';
const dataScience = 'group:default/data-science';
const dataScienceGroup: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'data-science', namespace: 'default' },
  spec: { type: 'team', children: [] },
};

type Server = Awaited<ReturnType<typeof startRegistry>>['server'];

/** Rows of `amount` (numeric, shifted by `shift`) and `country` (categorical). */
function csvRows(n: number, shift: number, countries: string[]): string {
  const lines = ['amount,country'];
  for (let i = 0; i < n; i++) {
    lines.push(
      `${((i * 37) % 1000) / 10 + shift},${countries[i % countries.length]}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

describe.each(databases.eachSupportedId())(
  'drift monitoring (%s)',
  databaseId => {
    let server: Server;
    let knex: Knex;

    const rowsOf = async (table: string) =>
      Number((await knex(table).count({ n: '*' }))[0].n);

    beforeAll(async () => {
      ({ server, knex } = await startRegistry(databaseId, {
        catalogEntities: [dataScienceGroup],
        config: { drift: { window: 'day', minCurrent: 50 } },
      }));
      await request(server)
        .post(`${base}/models`)
        .send({ name: 'fraud', owner: dataScience })
        .expect(201);
      await request(server)
        .post(`${base}/models/fraud/versions`)
        .send({ artifact: { uri: 'https://models.example/fraud.onnx' } })
        .expect(201);
      await new RegistryDatabase(knex).read.deployments.record(
        (await new RegistryDatabase(knex).read.models.getRef('fraud'))!.id,
        {
          version: 1,
          environment: 'production',
          target: { cluster: 'c', namespace: 'n', kind: 'kserve' },
          actor: 'service:deployer',
        },
        new Date(),
      );
    });

    it('computes a reference profile from uploaded CSV', async () => {
      const res = await request(server)
        .put(
          `${base}/models/fraud/versions/1/reference-profile/data?format=csv`,
        )
        .set('Content-Type', 'text/csv')
        .send(csvRows(2000, 0, ['de', 'fr', 'it']))
        .expect(200);
      expect(res.body.features).toHaveLength(2);
      expect(res.body.features[0]).toMatchObject({
        feature: 'amount',
        kind: 'numeric',
        stats: { count: 2000, missing: 0 },
      });
      expect(res.body.features[0].histogram.binEdges).toHaveLength(11);
      expect(res.body.features[1]).toMatchObject({
        feature: 'country',
        kind: 'categorical',
        other: 0,
      });
      const audit = await request(server)
        .get(`${base}/models/fraud/audit`)
        .expect(200);
      expect(audit.body.items[0]).toMatchObject({
        action: 'drift.reference.set',
      });
    });

    it('answers bad production data with 400 and stores nothing', async () => {
      const before = await rowsOf('drift_batches');
      const url = `${base}/models/fraud/environments/production/drift/batches/data?format=csv`;
      const bad: Array<[string, string | Buffer, RegExp]> = [
        ['ragged', 'amount,country\n1,de\n2\n', /record 2 has 1 cells/],
        [
          'unknown feature',
          'amount,colour\n1,red\n',
          /unknown feature "colour"/,
        ],
        ['contradicting type', 'amount,country\nmany,de\n', /is not a number/],
        ['empty batch', 'amount,country\n', /no records/],
        [
          'garbage',
          Buffer.alloc(3 * 1024 * 1024, 0x7a),
          /longer than 1048576 bytes/,
        ],
      ];
      for (const [name, body, message] of bad) {
        const res = await request(server)
          .post(url)
          .set('Content-Type', 'text/csv')
          .send(body);
        expect([name, res.status, res.body.error?.message]).toEqual([
          name,
          400,
          expect.stringMatching(message),
        ]);
      }
      await request(server)
        .post(`${base}/models/fraud/environments/production/drift/batches`)
        .send({ features: [{ feature: 'amount', counts: [1, 2] }] })
        .expect(400)
        .expect(res =>
          expect(res.body.error.message).toMatch(/needs 12 counts/),
        );
      await request(server)
        .post(`${base}/models/fraud/environments/production/drift/batches`)
        .send({ features: [{ feature: 'amount', categories: { a: 1 } }] })
        .expect(400)
        .expect(res =>
          expect(res.body.error.message).toMatch(/numeric in the reference/),
        );
      await request(server)
        .post(
          `${base}/models/fraud/environments/staging/drift/batches/data?format=csv`,
        )
        .set('Content-Type', 'text/csv')
        .send('amount,country\n1,de\n')
        .expect(409);
      expect(await rowsOf('drift_batches')).toBe(before);
    });

    it('checks drift over a window of raw and pre-binned batches', async () => {
      const empty = await request(server)
        .post(`${base}/models/fraud/environments/production/drift/check`)
        .send({})
        .expect(200);
      expect(empty.body).toEqual({
        reason: 'no production batches of production',
      });

      const batch = await request(server)
        .post(
          `${base}/models/fraud/environments/production/drift/batches/data?format=csv`,
        )
        .set('Content-Type', 'text/csv')
        .send(csvRows(600, 30, ['de', 'fr', 'it', 'es']))
        .expect(201);
      expect(batch.body).toMatchObject({
        model: 'fraud',
        environment: 'production',
        version: 1,
        values: 1200,
      });

      const profile = await request(server)
        .get(`${base}/models/fraud/versions/1/reference-profile`)
        .expect(200);
      const edges: number[] = profile.body.features[0].histogram.binEdges;
      await request(server)
        .post(`${base}/models/fraud/environments/production/drift/batches`)
        .send({
          features: [
            {
              feature: 'amount',
              counts: [0, ...edges.slice(1).map(() => 0), 400],
            },
            { feature: 'country', categories: { de: 100, es: 300 } },
          ],
        })
        .expect(201);

      const res = await request(server)
        .post(`${base}/models/fraud/environments/production/drift/check`)
        .send({})
        .expect(200);
      const report = res.body.report;
      expect(report).toMatchObject({
        model: 'fraud',
        version: 1,
        environment: 'production',
        window: 'day',
        batches: 2,
        verdict: 'drift',
        retrainingSuggested: true,
        driftedShare: 1,
      });
      // The pre-binned batch has no values to run Wasserstein on: the window
      // falls back to Jensen-Shannon on the reference bins, and says so.
      expect(
        report.features.map(
          (f: { feature: string; method: string; details: object }) => [
            f.feature,
            f.method,
            f.details,
          ],
        ),
      ).toEqual([
        ['amount', 'jensenshannon', { fallbackFrom: 'wasserstein', base: 'e' }],
        ['country', 'jensenshannon', { base: 'e' }],
      ]);

      const listed = await request(server)
        .get(`${base}/models/fraud/drift/reports`)
        .expect(200);
      expect(listed.body.items[0]).toEqual(report);
      const models = await request(server)
        .get(`${base}/models?drift=drifting`)
        .expect(200);
      expect(models.body.items.map((m: { name: string }) => m.name)).toEqual([
        'fraud',
      ]);
      const events = await knex('outbox_events').where({
        type: 'drift.detected',
      });
      expect(events).toHaveLength(1);

      const overridden = await request(server)
        .post(`${base}/models/fraud/environments/production/drift/check`)
        .send({ method: 'psi', thresholds: { psi: 100 } })
        .expect(200);
      expect(overridden.body.report).toMatchObject({ verdict: 'no-drift' });
      expect(overridden.body.report.features[0].details).toEqual({
        emptyBinRule: 'evidently',
      });
    });
  },
);
