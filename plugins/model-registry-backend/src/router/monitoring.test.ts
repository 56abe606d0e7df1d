import { Entity } from '@backstage/catalog-model';
import {
  modelCreatePermission,
  modelReadPermission,
} from '@mlreg/plugin-model-registry-common';
import { Knex } from 'knex';
import request from 'supertest';
import { ownerOnlyPermissions } from '../__testUtils__/permissions';
import { databases, startRegistry } from '../__testUtils__/startRegistry';
import { RegistryDatabase } from '../database/RegistryDatabase';

jest.setTimeout(120_000);

const base = '/api/model-registry';
const dataScience = 'group:default/data-science';
const ghost = 'group:default/ghost-team';
const t0 = Date.parse('2026-11-01T00:00:00Z');
const at = (hours: number) => new Date(t0 + hours * 3_600_000);
const target = { cluster: 'prod-eu', namespace: 'ml', kind: 'kserve' };

const dataScienceGroup: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'data-science', namespace: 'default' },
  spec: { type: 'team', children: [] },
};

type Server = Awaited<ReturnType<typeof startRegistry>>['server'];

/** Writes deployments and drift reports as the deployer and drift engine will. */
function monitoring(knex: Knex) {
  const db = new RegistryDatabase(knex);
  const modelId = async (name: string) =>
    (await db.read.models.getRef(name))!.id;
  return {
    async deploy(
      model: string,
      environment: string,
      version: number,
      hour: number,
      statuses: Array<'progressing' | 'succeeded' | 'failed'> = [],
    ) {
      const id = await db.read.deployments.record(
        await modelId(model),
        { version, environment, target, actor: 'service:deployer' },
        at(hour),
      );
      for (const [i, status] of statuses.entries()) {
        await db.read.deployments.appendStatus(id, status, at(hour + i + 0.5));
      }
      return id;
    },
    async report(
      model: string,
      version: number,
      hour: number,
      verdict: 'drift' | 'no-drift',
    ) {
      return db.read.drift.recordReport(
        await modelId(model),
        {
          version,
          windowStart: at(hour - 1),
          windowEnd: at(hour),
          verdict,
          driftedShare: verdict === 'drift' ? 0.5 : 0,
          retrainingSuggested: verdict === 'drift',
          features: [
            {
              feature: 'amount',
              method: 'psi',
              score: verdict === 'drift' ? 0.4 : 0.01,
              threshold: 0.2,
              drifted: verdict === 'drift',
            },
          ],
        },
        at(hour),
      );
    },
    async profile(model: string, version: number) {
      await db.read.drift.putReferenceProfile(
        await modelId(model),
        version,
        [
          {
            feature: 'amount',
            histogram: { binEdges: [0, 10, 100], counts: [80, 20] },
            stats: { count: 100, mean: 9.5, min: 0, max: 97 },
          },
        ],
        at(0),
      );
    },
  };
}

async function createModel(server: Server, name: string, extra: object = {}) {
  const res = await request(server)
    .post(`${base}/models`)
    .send({ name, owner: dataScience, ...extra })
    .expect(201);
  return res.body;
}

async function registerReady(server: Server, model: string, body: object = {}) {
  const res = await request(server)
    .post(`${base}/models/${model}/versions`)
    .send({
      artifact: { uri: `https://models.example/${model}.onnx` },
      ...body,
    })
    .expect(201);
  return res.body.version as number;
}

async function setAlias(
  server: Server,
  model: string,
  alias: string,
  v: number,
) {
  await request(server)
    .put(`${base}/models/${model}/aliases/${alias}`)
    .send({ version: v })
    .expect(200);
}

const names = (res: request.Response) =>
  res.body.items.map((m: { name: string }) => m.name);

describe.each(databases.eachSupportedId())(
  'deployments, drift and model health (%s)',
  databaseId => {
    let server: Server;
    let knex: Knex;

    beforeAll(async () => {
      ({ server, knex } = await startRegistry(databaseId, {
        catalogEntities: [dataScienceGroup],
      }));
      const m = monitoring(knex);

      // fraud: production on v1; v2 is newer; v3 PENDING with a model card.
      await createModel(server, 'fraud', { keyMetric: 'auc' });
      await registerReady(server, 'fraud', {
        metrics: [
          { key: 'auc', value: 0.8, step: 1 },
          { key: 'auc', value: 0.88, step: 5, dataset: 'zz-holdout' },
          { key: 'auc', value: 0.9, step: 5 },
          { key: 'loss', value: 0.2 },
        ],
      });
      await registerReady(server, 'fraud', {
        metrics: [{ key: 'auc', value: 0.95 }],
      });
      await request(server)
        .post(`${base}/models/fraud/versions`)
        .send({ modelCard: { intendedUse: 'Card fraud scoring' } })
        .expect(201);
      await setAlias(server, 'fraud', 'production', 1);
      await m.deploy('fraud', 'staging', 2, 1, ['succeeded']);
      await m.deploy('fraud', 'production', 1, 2, ['succeeded']);
      await m.deploy('fraud', 'production', 2, 3, ['progressing', 'failed']);
      await m.report('fraud', 1, 10, 'no-drift');
      await m.report('fraud', 1, 11, 'no-drift');
      await m.report('fraud', 1, 12, 'drift');
      await m.profile('fraud', 1);

      // churn: production on v1, which lacks the key metric; v2 has it.
      await createModel(server, 'churn', { keyMetric: 'f1' });
      await registerReady(server, 'churn');
      await registerReady(server, 'churn', {
        metrics: [{ key: 'f1', value: 0.7, dataset: 'holdout' }],
      });
      await setAlias(server, 'churn', 'production', 1);
      await m.deploy('churn', 'production', 1, 4, ['succeeded']);
      await m.report('churn', 1, 10, 'drift');
      await m.report('churn', 1, 13, 'no-drift');

      // orphan: an owner the catalog does not know, no version, no monitoring.
      await createModel(server, 'orphan', { owner: ghost });

      // archived: drifting, but out of every figure.
      await createModel(server, 'retired', { owner: ghost });
      await m.report('retired', 1, 10, 'drift');
      await request(server).post(`${base}/models/retired/archive`).expect(200);
    });

    it('sets, validates, changes and clears the key metric', async () => {
      const created = await createModel(server, 'ranker', {
        keyMetric: 'ndcg_10',
      });
      expect(created).toMatchObject({ keyMetric: 'ndcg_10', health: {} });
      expect(created.keyMetricValue).toBeUndefined();
      await request(server)
        .post(`${base}/models`)
        .send({ name: 'bad-metric', owner: dataScience, keyMetric: 'a b' })
        .expect(400)
        .expect(res =>
          expect(res.body.error.message).toMatch(/body\.keyMetric/),
        );
      await request(server)
        .patch(`${base}/models/ranker`)
        .send({ keyMetric: 'mrr' })
        .expect(200)
        .expect(res => expect(res.body.keyMetric).toBe('mrr'));
      await request(server)
        .patch(`${base}/models/ranker`)
        .send({ description: 'unrelated' })
        .expect(200)
        .expect(res => expect(res.body.keyMetric).toBe('mrr'));
      const cleared = await request(server)
        .patch(`${base}/models/ranker`)
        .send({ keyMetric: null })
        .expect(200);
      expect(cleared.body).not.toHaveProperty('keyMetric');
      await request(server)
        .patch(`${base}/models/ranker`)
        .send({ keyMetric: 5 })
        .expect(400);
      const audit = await request(server)
        .get(`${base}/models/ranker/audit?action=model.update`)
        .expect(200);
      expect(audit.body.items[0].before).toMatchObject({ keyMetric: 'mrr' });
      expect(audit.body.items[0].after).not.toHaveProperty('health');
      await request(server).delete(`${base}/models/ranker`).expect(204);
    });

    it('shows health and the key metric value in the list and on get', async () => {
      const fraud = await request(server)
        .get(`${base}/models/fraud`)
        .expect(200);
      expect(fraud.body).toMatchObject({
        keyMetric: 'auc',
        // production's version v1, highest step, the value without a dataset
        keyMetricValue: { key: 'auc', value: 0.9, version: 1 },
        health: {
          drift: {
            verdict: 'drift',
            windowEnd: at(12).toISOString(),
            version: 1,
          },
          lastDeployment: {
            environment: 'production',
            version: 2,
            status: 'failed',
            at: at(4.5).toISOString(),
          },
        },
      });
      const list = await request(server).get(`${base}/models`).expect(200);
      const byName = Object.fromEntries(
        list.body.items.map((m: any) => [m.name, m]),
      );
      expect(byName.fraud).toEqual(fraud.body);
      // production's v1 lacks f1: the latest READY version carries it
      expect(byName.churn).toMatchObject({
        keyMetricValue: { key: 'f1', value: 0.7, version: 2 },
        health: {
          drift: { verdict: 'no-drift', windowEnd: at(13).toISOString() },
          lastDeployment: { environment: 'production', status: 'succeeded' },
        },
      });
      expect(byName.orphan.health).toEqual({});
      expect(byName.orphan).not.toHaveProperty('keyMetricValue');

      // Without a production alias, the latest READY version counts.
      await request(server)
        .delete(`${base}/models/fraud/aliases/production`)
        .expect(204);
      const after = await request(server).get(`${base}/models/fraud`);
      expect(after.body.keyMetricValue).toEqual({
        key: 'auc',
        value: 0.95,
        version: 2,
      });
      await setAlias(server, 'fraud', 'production', 1);
    });

    it('reads a page of models in the same number of queries, whatever its size', async () => {
      const countQueries = async (path: string) => {
        let count = 0;
        const onQuery = (q: { sql: string }) => {
          // the registry's tables, not the outbox or the scheduler's
          if (
            /(from|join) [`"](models|model_\w+|version_\w+|deployments|drift_reports)[`"]/.test(
              q.sql,
            )
          ) {
            count++;
          }
        };
        knex.on('query', onQuery);
        try {
          await request(server).get(path).expect(200);
        } finally {
          knex.off('query', onQuery);
        }
        return count;
      };
      const one = await countQueries(`${base}/models?limit=1`);
      const all = await countQueries(`${base}/models?limit=50`);
      // list, tags, aliases, drift, deployments, key metric (two candidates)
      expect(one).toBe(7);
      expect(all).toBe(one);
    });

    it('filters the list by the newest drift verdict, with cursors', async () => {
      const get = (qs: string) =>
        request(server).get(`${base}/models?${qs}`).expect(200);
      expect(names(await get('drift=drifting'))).toEqual(['fraud']);
      expect(names(await get('drift=stable'))).toEqual(['churn']);
      expect(names(await get('drift=unmonitored'))).toEqual(['orphan']);
      expect(names(await get('drift=drifting&archived=include'))).toEqual([
        'fraud',
        'retired',
      ]);
      const page1 = await get('drift=drifting&archived=include&limit=1');
      expect(names(page1)).toEqual(['fraud']);
      const page2 = await get(
        `drift=drifting&archived=include&limit=1&cursor=${page1.body.nextCursor}`,
      );
      expect(names(page2)).toEqual(['retired']);
      expect(page2.body.nextCursor).toBeUndefined();
      expect(names(await get(`drift=drifting&owner=${ghost}`))).toEqual([]);
      await request(server)
        .get(`${base}/models?drift=maybe`)
        .expect(400)
        .expect(res => expect(res.body.error.message).toMatch(/query\.drift/));
    });

    it('sums up the portfolio the caller may read', async () => {
      const res = await request(server).get(`${base}/summary`).expect(200);
      expect(res.body).toEqual({
        models: 3,
        inProduction: 2,
        drifting: 1,
        failedDeployments: 1,
        // orphan's owner is no catalog entity; data-science is
        withoutOwner: 1,
        // churn's latest version has no card; orphan has no version
        withoutModelCard: 2,
      });
      await request(server).get(`${base}/summary?x=1`).expect(400);
    });

    it('lists deployments newest first, by environment, with cursors', async () => {
      const all = await request(server)
        .get(`${base}/models/fraud/deployments`)
        .expect(200);
      expect(
        all.body.items.map((d: any) => [d.environment, d.version, d.status]),
      ).toEqual([
        ['production', 2, 'failed'],
        ['production', 1, 'succeeded'],
        ['staging', 2, 'succeeded'],
      ]);
      expect(all.body.items[0]).toMatchObject({
        model: 'fraud',
        target,
        createdBy: 'service:deployer',
        history: [
          { status: 'pending', at: at(3).toISOString() },
          { status: 'progressing', at: at(3.5).toISOString() },
          { status: 'failed', at: at(4.5).toISOString() },
        ],
      });
      const page1 = await request(server)
        .get(`${base}/models/fraud/deployments?environment=production&limit=1`)
        .expect(200);
      expect(page1.body.items.map((d: any) => d.version)).toEqual([2]);
      const page2 = await request(server)
        .get(
          `${base}/models/fraud/deployments?environment=production&limit=1&cursor=${page1.body.nextCursor}`,
        )
        .expect(200);
      expect(page2.body.items.map((d: any) => d.version)).toEqual([1]);
      expect(page2.body.nextCursor).toBeUndefined();
      await request(server)
        .get(`${base}/models/orphan/deployments`)
        .expect(200, { items: [] });
      await request(server)
        .get(`${base}/models/nope/deployments`)
        .expect(404)
        .expect(res => expect(res.body.error.message).toMatch(/"nope"/));
    });

    it('lists drift reports newest window first, by version and since', async () => {
      const all = await request(server)
        .get(`${base}/models/fraud/drift/reports`)
        .expect(200);
      expect(all.body.items.map((r: any) => r.windowEnd)).toEqual([
        at(12).toISOString(),
        at(11).toISOString(),
        at(10).toISOString(),
      ]);
      expect(all.body.items[0]).toMatchObject({
        model: 'fraud',
        version: 1,
        verdict: 'drift',
        driftedShare: 0.5,
        retrainingSuggested: true,
        features: [{ feature: 'amount', method: 'psi', drifted: true }],
      });
      const since = await request(server)
        .get(
          `${base}/models/fraud/drift/reports?since=${encodeURIComponent(
            at(11).toISOString(),
          )}`,
        )
        .expect(200);
      expect(since.body.items).toHaveLength(2);
      const page1 = await request(server)
        .get(`${base}/models/fraud/drift/reports?version=1&limit=2`)
        .expect(200);
      const page2 = await request(server)
        .get(
          `${base}/models/fraud/drift/reports?version=1&limit=2&cursor=${page1.body.nextCursor}`,
        )
        .expect(200);
      expect(page2.body.items.map((r: any) => r.windowEnd)).toEqual([
        at(10).toISOString(),
      ]);
      await request(server)
        .get(`${base}/models/fraud/drift/reports?version=2`)
        .expect(200, { items: [] });
    });

    it('serves reference profiles, 404 where there is none', async () => {
      const res = await request(server)
        .get(`${base}/models/fraud/versions/1/reference-profile`)
        .expect(200);
      expect(res.body).toEqual({
        model: 'fraud',
        version: 1,
        features: [
          {
            feature: 'amount',
            histogram: { binEdges: [0, 10, 100], counts: [80, 20] },
            stats: { count: 100, mean: 9.5, min: 0, max: 97 },
          },
        ],
        createdAt: at(0).toISOString(),
      });
      await request(server)
        .get(`${base}/models/fraud/versions/2/reference-profile`)
        .expect(404)
        .expect(res2 =>
          expect(res2.body.error.message).toBe(
            'version 2 of model "fraud" has no reference profile',
          ),
        );
      await request(server)
        .get(`${base}/models/fraud/versions/99/reference-profile`)
        .expect(404)
        .expect(res2 =>
          expect(res2.body.error.message).toMatch(/version 99 .* not found/),
        );
      await request(server)
        .get(`${base}/models/nope/versions/1/reference-profile`)
        .expect(404);
    });

    it('adds the newest deployment of each environment to the lineage', async () => {
      const res = await request(server)
        .get(`${base}/models/fraud/lineage`)
        .expect(200);
      const deployments = res.body.nodes.filter(
        (n: any) => n.kind === 'deployment',
      );
      expect(deployments).toEqual([
        {
          id: 'deployment:fraud/production',
          kind: 'deployment',
          label: 'production: v2 (failed)',
        },
        {
          id: 'deployment:fraud/staging',
          kind: 'deployment',
          label: 'staging: v2 (succeeded)',
        },
      ]);
      expect(
        res.body.edges.filter((e: any) => e.type === 'deployedAs'),
      ).toEqual([
        {
          from: 'version:fraud/2',
          to: 'deployment:fraud/production',
          type: 'deployedAs',
        },
        {
          from: 'version:fraud/2',
          to: 'deployment:fraud/staging',
          type: 'deployedAs',
        },
      ]);
    });

    it('applies read permission conditions to the drift filter, the summary and the new routes', async () => {
      const permissions = ownerOnlyPermissions(
        dataScience,
        (permission, model) =>
          permission === modelCreatePermission.name ||
          (permission === modelReadPermission.name &&
            !model?.startsWith('hidden')),
      );
      const started = await startRegistry(databaseId, {
        features: [permissions.factory],
        catalogEntities: [dataScienceGroup],
      });
      const s = started.server;
      const m = monitoring(started.knex);
      // Unreadable drifting models sort first: filtering after paging
      // would leave the first page empty.
      for (let i = 0; i < 5; i++) {
        await createModel(s, `hidden-${i}`, { owner: ghost });
        await m.report(`hidden-${i}`, 1, 10, 'drift');
      }
      for (const name of ['mine-1', 'mine-2', 'mine-3']) {
        await createModel(s, name);
        await m.report(name, 1, 10, 'no-drift');
        await m.report(name, 1, 11, name === 'mine-2' ? 'no-drift' : 'drift');
      }
      const page1 = await request(s)
        .get(`${base}/models?drift=drifting&limit=1`)
        .expect(200);
      expect(names(page1)).toEqual(['mine-1']);
      const page2 = await request(s)
        .get(
          `${base}/models?drift=drifting&limit=1&cursor=${page1.body.nextCursor}`,
        )
        .expect(200);
      expect(names(page2)).toEqual(['mine-3']);
      expect(page2.body.nextCursor).toBeUndefined();
      expect(
        names(await request(s).get(`${base}/models?drift=stable`)),
      ).toEqual(['mine-2']);

      await request(s).get(`${base}/summary`).expect(200, {
        models: 3,
        inProduction: 0,
        drifting: 2,
        failedDeployments: 0,
        withoutOwner: 0,
        withoutModelCard: 3,
      });

      for (const path of [
        '/models/hidden-1/deployments',
        '/models/hidden-1/drift/reports',
        '/models/hidden-1/versions/1/reference-profile',
      ]) {
        const res = await request(s).get(`${base}${path}`);
        expect([path, res.status]).toEqual([path, 404]);
      }
      await request(s).get(`${base}/models/mine-1/drift/reports`).expect(200);
    });
  },
);
