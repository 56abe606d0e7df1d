import request from 'supertest';
import { randomUUID } from 'node:crypto';
import { Knex } from 'knex';
import { databases, startRegistry } from '../__testUtils__/startRegistry';
import { RegistryDatabase } from '../database/RegistryDatabase';
import { ArtifactStore } from '../storage/ArtifactStore';
import { LineageService } from '../service/LineageService';
import { ModelService } from '../service/ModelService';
import { VersionService } from '../service/VersionService';

type VersionServiceUploads = ConstructorParameters<typeof VersionService>[4];

jest.setTimeout(300_000);

const m = '/api/model-registry/models';
const owner = 'group:default/data-science';

/**
 * Whatever a caller sends, answers stay bounded: what a version carries is
 * capped at the edge, audit records keep bounded snapshots, and lineage,
 * trend and version pages are capped and say so.
 */
describe.each(databases.eachSupportedId())(
  'bounded answers (%s)',
  databaseId => {
    let server: Awaited<ReturnType<typeof startRegistry>>['server'];
    let knex: Knex;
    const api = () => request(server);

    beforeAll(async () => {
      ({ server, knex } = await startRegistry(databaseId));
    });

    /** Adds versions straight to the tables, as a bulk import would. */
    async function insertVersions(
      model: string,
      count: number,
      row: (n: number) => Record<string, unknown> = () => ({}),
      metrics: (
        n: number,
      ) => Array<{ key: string; value: number; step: number }> = () => [],
    ) {
      const { id: modelId } = await knex('models')
        .where({ name: model })
        .first('id');
      const now = new Date();
      const rows = Array.from({ length: count }, (_, i) => ({
        id: randomUUID(),
        model_id: modelId,
        version: i + 1,
        status: 'READY',
        description: '',
        parameters: '{}',
        model_card: '{}',
        annotations: '{}',
        created_at: now,
        created_by: 'user:default/bench',
        updated_at: now,
        updated_by: 'user:default/bench',
        ...row(i + 1),
      }));
      await knex.batchInsert('model_versions', rows, 100);
      await knex.batchInsert(
        'version_metrics',
        rows.flatMap((r, i) =>
          metrics(i + 1).map(x => ({ version_id: r.id, dataset: '', ...x })),
        ),
        500,
      );
      await knex('models')
        .where({ id: modelId })
        .update({ last_version: count });
    }

    it('refuses parameters and annotations beyond their count and size', async () => {
      await api().post(m).send({ name: 'capped', owner }).expect(201);
      const big = 'x'.repeat(4000);
      const cases = [
        [
          {
            parameters: Object.fromEntries(
              Array.from({ length: 70 }, (_, i) => [`p${i}`, big]),
            ),
          },
          'parameters take at most 262144 characters of JSON',
        ],
        [
          {
            parameters: Object.fromEntries(
              Array.from({ length: 501 }, (_, i) => [`p${i}`, i]),
            ),
          },
          'at most 500 parameters',
        ],
        [
          {
            annotations: Object.fromEntries(
              Array.from({ length: 101 }, (_, i) => [`a${i}`, 'x']),
            ),
          },
          'at most 100 annotations',
        ],
        [
          {
            annotations: Object.fromEntries(
              Array.from({ length: 17 }, (_, i) => [`a${i}`, big]),
            ),
          },
          'annotations take at most 65536 characters of JSON',
        ],
      ] as const;
      for (const [body, message] of cases) {
        const res = await api()
          .post(`${m}/capped/versions`)
          .send(body)
          .expect(400);
        expect(res.body.error.message).toContain(message);
      }
      // just under the caps is fine
      await api()
        .post(`${m}/capped/versions`)
        .send({
          parameters: Object.fromEntries(
            Array.from({ length: 60 }, (_, i) => [`p${i}`, big]),
          ),
          annotations: Object.fromEntries(
            Array.from({ length: 15 }, (_, i) => [`a${i}`, big]),
          ),
        })
        .expect(201);
      const annotations = Object.fromEntries(
        Array.from({ length: 17 }, (_, i) => [`a${i}`, big]),
      );
      await api()
        .patch(`${m}/capped/versions/1`)
        .send({ annotations })
        .expect(400);
    });

    it('keeps bounded snapshots in the audit trail: the changed fields only, large ones named with their size', async () => {
      const audit = await api().get(`${m}/capped/audit?version=1`).expect(200);
      const registered = audit.body.items.find(
        (r: { action: string }) => r.action === 'version.register',
      );
      expect(JSON.stringify(registered.after).length).toBeLessThanOrEqual(
        16_384,
      );
      expect(registered.after).toMatchObject({
        version: 1,
        status: 'PENDING',
        omitted: {
          parameters: expect.any(Number),
          annotations: expect.any(Number),
        },
      });
      expect(registered.after.omitted.parameters).toBeGreaterThan(200_000);

      await api()
        .patch(`${m}/capped/versions/1`)
        .send({
          annotations: {
            ...Object.fromEntries(
              Array.from({ length: 14 }, (_, i) => [`a${i}`, 'x'.repeat(4000)]),
            ),
            added: 'new',
          },
        })
        .expect(200);
      const changed = await api()
        .get(`${m}/capped/audit?version=1&action=version.update`)
        .expect(200);
      expect(changed.body.items[0]).toMatchObject({
        before: { annotations: { a14: 'x'.repeat(4000) } },
        after: { annotations: { added: 'new' } },
      });
    });

    it('caps the lineage graph at the newest 500 versions and says so', async () => {
      await api().post(m).send({ name: 'long-lineage', owner }).expect(201);
      await insertVersions('long-lineage', 503, n => ({
        source_run_id: `run-${n}`,
        // large columns the graph must not need
        parameters: JSON.stringify({ blob: 'p'.repeat(10_000) }),
      }));
      const res = await api().get(`${m}/long-lineage/lineage`).expect(200);
      expect(res.body.truncated).toEqual({
        limit: 500,
        versions: 503,
        shown: 500,
      });
      const versionNodes = res.body.nodes.filter(
        (n: { kind: string }) => n.kind === 'version',
      );
      expect(versionNodes).toHaveLength(500);
      expect(versionNodes[0].id).toBe('version:long-lineage/4');
      expect(res.body.nodes).toContainEqual(
        expect.objectContaining({ id: 'run:run-503' }),
      );
      const whole = await api().get(`${m}/capped/lineage`).expect(200);
      expect(whole.body.truncated).toBeUndefined();
    });

    it('caps the metric trend at its points and versions and says so', async () => {
      await api().post(m).send({ name: 'long-trend', owner }).expect(201);
      // 21 versions at 1,000 steps each: 21,000 points, over the 20,000 cap
      await insertVersions(
        'long-trend',
        21,
        () => ({}),
        n =>
          Array.from({ length: 1000 }, (_, step) => ({
            key: 'loss',
            value: n + step / 1000,
            step: step + 1,
          })),
      );
      const res = await api()
        .get(`${m}/long-trend/metrics/loss/trend`)
        .expect(200);
      expect(res.body.items).toHaveLength(20_000);
      expect(res.body.items[0]).toEqual({ version: 2, value: 2, step: 1 });
      expect(res.body.items.at(-1)).toEqual({
        version: 21,
        value: 21.999,
        step: 1000,
      });
      // The route answers the items; the services say what they left out,
      // and take the bound a caller chooses (`?versions=`).
      const db = new RegistryDatabase(knex);
      const models = new ModelService(db);
      const versions = new VersionService(
        db,
        models,
        {} as ArtifactStore,
        0,
        {} as VersionServiceUploads,
      );
      const trend = await versions.metricTrend('long-trend', 'loss');
      expect(trend.items).toEqual(res.body.items);
      expect(trend.truncated).toEqual({ limit: 1000, versions: 21, shown: 20 });
      const few = await versions.metricTrend('long-trend', 'loss', {
        versions: 3,
      });
      expect(few.items).toHaveLength(3000);
      expect(few.items[0]).toEqual({ version: 19, value: 19, step: 1 });
      expect(few.truncated).toEqual({ limit: 3, versions: 21, shown: 3 });
      const lineage = new LineageService(db, models, async () => []);
      const graph = await lineage.graph('long-trend', { versions: 5 });
      expect(graph.truncated).toEqual({ limit: 5, versions: 21, shown: 5 });
      expect(
        graph.nodes.filter(n => n.kind === 'version').map(n => n.id),
      ).toEqual([17, 18, 19, 20, 21].map(v => `version:long-trend/${v}`));
      expect(
        (await lineage.graph('long-trend', { versions: 21 })).truncated,
      ).toBeUndefined();
      const none = await api()
        .get(`${m}/long-trend/metrics/auc/trend`)
        .expect(200);
      expect(none.body).toEqual({ items: [] });
    });

    it('ends a page of large versions early, and its cursor goes on', async () => {
      await api().post(m).send({ name: 'heavy', owner }).expect(201);
      // 40 versions of about 300,000 characters each: 12 MB, over the 2 MiB a page holds
      await insertVersions('heavy', 40, n => ({
        parameters: JSON.stringify({ blob: `${n}`.padEnd(240_000, 'p') }),
        annotations: JSON.stringify({ note: 'a'.repeat(60_000) }),
      }));
      const seen: number[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const res = await api()
          .get(
            `${m}/heavy/versions?limit=200${cursor ? `&cursor=${cursor}` : ''}`,
          )
          .expect(200);
        pages++;
        expect(res.body.items.length).toBeLessThanOrEqual(28);
        seen.push(...res.body.items.map((v: { version: number }) => v.version));
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(pages).toBeGreaterThan(1);
      expect(seen).toEqual(Array.from({ length: 40 }, (_, i) => 40 - i));
    });
  },
);
