import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { FeatureDrift } from '@mlreg/plugin-model-registry-common';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { databases } from '../__testUtils__/startRegistry';
import { ModelService } from '../service/ModelService';
import { RegistryDatabase } from './RegistryDatabase';

jest.setTimeout(60_000);

const migrationsDir = resolvePackagePath(
  '@mlreg/plugin-model-registry-backend',
  'migrations',
);

const t0 = Date.parse('2026-11-01T00:00:00Z');
/** A time `hours` after t0. */
const at = (hours: number) => new Date(t0 + hours * 3_600_000);
const target = { cluster: 'prod-eu', namespace: 'fraud', kind: 'kserve' };
const actor = 'user:default/dana';

const psi = (feature: string, score: number): FeatureDrift => ({
  feature,
  method: 'psi',
  score,
  threshold: 0.2,
  drifted: score >= 0.2,
  current: { binEdges: [0, 1, 2], counts: [3, 4] },
});

describe.each(databases.eachSupportedId())(
  'deployment and drift stores (%s)',
  databaseId => {
    let knex: Knex;
    let db: RegistryDatabase;
    let modelId: string;
    let otherId: string;

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory: migrationsDir });
      db = new RegistryDatabase(knex);
      const insert = async (name: string) => {
        const id = randomUUID();
        await db.read.models.insert(
          id,
          {
            name,
            owner: 'group:default/a',
            description: '',
            tags: [],
            links: {},
            actor,
          },
          at(0),
        );
        return id;
      };
      modelId = await insert('fraud');
      otherId = await insert('churn');
    });

    it('records deployments with their history and pages them newest first', async () => {
      const ids: string[] = [];
      // staging v1, production v1, staging v2, production v2 (fails), staging v3
      const plan: Array<[string, number]> = [
        ['staging', 1],
        ['production', 1],
        ['staging', 2],
        ['production', 2],
        ['staging', 3],
      ];
      for (const [i, [environment, version]] of plan.entries()) {
        ids.push(
          await db.read.deployments.record(
            modelId,
            {
              version,
              environment,
              target,
              replacedVersion: version > 1 ? version - 1 : undefined,
              message: `rollout ${i}`,
              actor,
            },
            at(i + 1),
          ),
        );
      }
      expect(
        await db.read.deployments.appendStatus(ids[3], 'progressing', at(10)),
      ).toBe(true);
      expect(
        await db.read.deployments.appendStatus(
          ids[3],
          'failed',
          at(11),
          'readiness probe failed',
        ),
      ).toBe(true);
      expect(
        await db.read.deployments.appendStatus(randomUUID(), 'failed', at(11)),
      ).toBe(false);
      // another model's deployment never shows up
      await db.read.deployments.record(
        otherId,
        { version: 1, environment: 'production', target, actor },
        at(20),
      );

      const failed = await db.read.deployments.get(ids[3]);
      expect(failed).toEqual({
        id: ids[3],
        model: 'fraud',
        version: 2,
        environment: 'production',
        target,
        status: 'failed',
        replacedVersion: 1,
        trigger: 'manual',
        history: [
          { status: 'pending', at: at(4).toISOString(), message: 'rollout 3' },
          { status: 'progressing', at: at(10).toISOString() },
          {
            status: 'failed',
            at: at(11).toISOString(),
            message: 'readiness probe failed',
          },
        ],
        createdAt: at(4).toISOString(),
        createdBy: actor,
        updatedAt: at(11).toISOString(),
      });

      const page1 = await db.read.deployments.list({ modelId, limit: 2 });
      expect(page1.map(d => d.id)).toEqual([ids[4], ids[3]]);
      const last = page1[1];
      const page2 = await db.read.deployments.list({
        modelId,
        limit: 10,
        after: { createdAt: last.createdAt, id: last.id },
      });
      expect(page2.map(d => d.id)).toEqual([ids[2], ids[1], ids[0]]);
      const staging = await db.read.deployments.list({
        modelId,
        environment: 'staging',
        limit: 10,
      });
      expect(staging.map(d => d.version)).toEqual([3, 2, 1]);

      const latest = await db.read.deployments.latestPerEnvironment(modelId);
      expect(latest.map(d => [d.environment, d.version, d.status])).toEqual([
        ['production', 2, 'failed'],
        ['staging', 3, 'pending'],
      ]);
      const health = await db.read.deployments.latestForModels([
        modelId,
        otherId,
        randomUUID(),
      ]);
      expect(Object.fromEntries(health)).toEqual({
        [modelId]: {
          environment: 'staging',
          version: 3,
          status: 'pending',
          at: at(5).toISOString(),
        },
        [otherId]: {
          environment: 'production',
          version: 1,
          status: 'pending',
          at: at(20).toISOString(),
        },
      });
    });

    it('records drift reports and pages them by newest window, with filters', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        ids.push(
          await db.read.drift.recordReport(
            modelId,
            {
              version: i < 3 ? 1 : 2,
              windowStart: at(i * 24),
              windowEnd: at(i * 24 + 24),
              verdict: i === 4 ? 'drift' : 'no-drift',
              driftedShare: i === 4 ? 0.5 : 0,
              retrainingSuggested: i === 4,
              features: [psi('amount', i === 4 ? 0.3 : 0.05), psi('hour', 0.1)],
            },
            // recorded out of order: the window decides, not the insert
            at(200 - i),
          ),
        );
      }
      await db.read.drift.recordReport(
        otherId,
        {
          version: 1,
          windowStart: at(0),
          windowEnd: at(500),
          verdict: 'no-drift',
          driftedShare: 0,
          retrainingSuggested: false,
          features: [],
        },
        at(500),
      );

      const all = await db.read.drift.listReports({ modelId, limit: 10 });
      expect(all.map(r => r.id)).toEqual([...ids].reverse());
      expect(all[0]).toEqual({
        id: ids[4],
        model: 'fraud',
        version: 2,
        windowStart: at(96).toISOString(),
        windowEnd: at(120).toISOString(),
        verdict: 'drift',
        driftedShare: 0.5,
        retrainingSuggested: true,
        features: [psi('amount', 0.3), psi('hour', 0.1)],
        createdAt: at(196).toISOString(),
      });
      expect(all[1].retrainingSuggested).toBe(false);

      const page1 = await db.read.drift.listReports({ modelId, limit: 2 });
      const page2 = await db.read.drift.listReports({
        modelId,
        limit: 2,
        after: { windowEnd: page1[1].windowEnd, id: page1[1].id },
      });
      expect(page2.map(r => r.id)).toEqual([ids[2], ids[1]]);
      const v1 = await db.read.drift.listReports({
        modelId,
        version: 1,
        limit: 10,
      });
      expect(v1.map(r => r.id)).toEqual([ids[2], ids[1], ids[0]]);
      const recent = await db.read.drift.listReports({
        modelId,
        since: at(72),
        limit: 10,
      });
      expect(recent.map(r => r.id)).toEqual([ids[4], ids[3], ids[2]]);

      const health = await db.read.drift.latestForModels([modelId, otherId]);
      expect(health.get(modelId)).toEqual({
        verdict: 'drift',
        windowEnd: at(120).toISOString(),
        version: 2,
      });
      expect(health.get(otherId)?.verdict).toBe('no-drift');
    });

    it('keeps one reference profile per version, replaced by a later put', async () => {
      const amount = {
        feature: 'amount',
        histogram: { binEdges: [0, 10, 100], counts: [70, 30] },
        stats: { count: 100, mean: 12.5, std: 4, min: 0, max: 99, missing: 0 },
      };
      expect(await db.read.drift.getReferenceProfile(modelId, 1)).toBe(
        undefined,
      );
      await db.read.drift.putReferenceProfile(modelId, 1, [amount], at(1));
      await db.read.drift.putReferenceProfile(
        modelId,
        1,
        [amount, { ...amount, feature: 'hour' }],
        at(2),
      );
      await db.read.drift.putReferenceProfile(modelId, 2, [], at(3));
      expect(await db.read.drift.getReferenceProfile(modelId, 1)).toEqual({
        model: 'fraud',
        version: 1,
        features: [amount, { ...amount, feature: 'hour' }],
        createdAt: at(2).toISOString(),
      });
      expect(
        (await db.read.drift.getReferenceProfile(modelId, 2))?.features,
      ).toEqual([]);
    });

    it('shows health on models and removes the rows with a deleted model', async () => {
      const fraud = await new ModelService(db).get('fraud');
      expect(fraud.health).toEqual({
        drift: {
          verdict: 'drift',
          windowEnd: at(120).toISOString(),
          version: 2,
        },
        lastDeployment: {
          environment: 'staging',
          version: 3,
          status: 'pending',
          at: at(5).toISOString(),
        },
      });
      await db.transaction(stores => stores.models.delete(modelId));
      for (const table of [
        'deployments',
        'drift_reports',
        'reference_profiles',
      ]) {
        const [{ count }] = await knex(table)
          .where({ model_id: modelId })
          .count({ count: '*' });
        expect([table, Number(count)]).toEqual([table, 0]);
      }
      const [{ count }] = await knex('deployment_status_changes').count({
        count: '*',
      });
      // only the other model's deployment keeps its history
      expect(Number(count)).toBe(1);
    });
  },
);
