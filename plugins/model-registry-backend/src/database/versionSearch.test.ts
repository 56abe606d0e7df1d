import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { Metric } from '@mlreg/plugin-model-registry-common';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { databases } from '../__testUtils__/startRegistry';
import { DatabaseModelStore } from './ModelStore';
import {
  DatabaseVersionStore,
  MetricCondition,
  VersionQuery,
} from './VersionStore';

jest.setTimeout(60_000);

const migrationsDir = resolvePackagePath(
  '@mlreg/plugin-model-registry-backend',
  'migrations',
);
const MIGRATION = '20261129400000_version_metrics_created_at.js';

const t0 = Date.parse('2026-11-01T00:00:00Z');
const at = (minutes: number) => new Date(t0 + minutes * 60_000);
const actor = 'user:default/dana';

/**
 * The version search by metric across models is driven by the metric's rows
 * (their copy of the version's created_at); these check that it finds the
 * same versions, in the same order, as the rule says.
 */
describe.each(databases.eachSupportedId())(
  'version search by metric (%s)',
  databaseId => {
    let knex: Knex;
    let versions: DatabaseVersionStore;
    /** Version ids by label. */
    const ids = new Map<string, string>();

    async function addVersion(
      label: string,
      modelId: string,
      version: number,
      minutes: number,
      metrics: Metric[],
      status: 'READY' | 'PENDING' = 'READY',
    ) {
      const id = randomUUID();
      ids.set(label, id);
      await versions.insert(
        {
          id,
          modelId,
          version,
          status,
          description: '',
          source: {},
          parameters: {},
          metrics,
          datasets: [],
          tags: [],
          modelCard: {},
          annotations: {},
          actor,
        },
        at(minutes),
      );
    }

    const labels = (found: Array<{ id: string }>) =>
      found.map(v => [...ids].find(([, id]) => id === v.id)?.[0]);

    const search = (
      metrics: MetricCondition[],
      extra: Partial<VersionQuery> = {},
    ) => versions.list({ metrics, order: 'desc', limit: 100, ...extra });

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory: migrationsDir });
      const models = new DatabaseModelStore(knex);
      versions = new DatabaseVersionStore(knex);
      const model = async (name: string, owner: string) => {
        const id = randomUUID();
        await models.insert(
          id,
          { name, owner, description: '', tags: [], links: {}, actor },
          at(0),
        );
        return id;
      };
      const fraud = await model('fraud', 'group:default/a');
      const churn = await model('churn', 'group:default/b');
      await addVersion('f1', fraud, 1, 1, [{ key: 'auc', value: 0.95 }]);
      // Two rows of auc (data sets), both matching: still one version.
      await addVersion('f2', fraud, 2, 2, [
        { key: 'auc', value: 0.91 },
        { key: 'auc', value: 0.97, dataset: 'holdout' },
        { key: 'loss', value: 0.7 },
      ]);
      await addVersion('c1', churn, 1, 2, [
        { key: 'auc', value: 0.92 },
        { key: 'loss', value: 0.3 },
      ]);
      await addVersion('c2', churn, 2, 3, [{ key: 'auc', value: 0.5 }]);
      await addVersion(
        'c3',
        churn,
        3,
        4,
        [
          { key: 'auc', value: 0.99, step: 1 },
          { key: 'auc', value: 0.93, step: 2 },
        ],
        'PENDING',
      );
      await addVersion('f3', fraud, 3, 5, [{ key: 'loss', value: 0.1 }]);
    });

    afterAll(async () => {
      await knex.destroy();
    });

    /** Newest first: created_at, then id, both descending. */
    function expectedOrder(found: string[]) {
      const minutes: Record<string, number> = {
        f1: 1,
        f2: 2,
        c1: 2,
        c2: 3,
        c3: 4,
        f3: 5,
      };
      return [...found].sort(
        (a, b) =>
          minutes[b] - minutes[a] ||
          Number(ids.get(b)! > ids.get(a)!) - Number(ids.get(b)! < ids.get(a)!),
      );
    }

    it('lists each matching version once, newest first', async () => {
      const found = labels(
        await search([{ key: 'auc', op: '>=', value: 0.9 }]),
      );
      expect(found).toEqual(expectedOrder(['c3', 'f2', 'c1', 'f1']));
      const asc = labels(
        await search([{ key: 'auc', op: '>=', value: 0.9 }], { order: 'asc' }),
      );
      expect(asc).toEqual([...found].reverse());
    });

    it('applies every further condition, the status and the permission filter', async () => {
      expect(
        labels(
          await search([
            { key: 'auc', op: '>=', value: 0.9 },
            { key: 'loss', op: '<', value: 0.5 },
          ]),
        ),
      ).toEqual(['c1']);
      expect(
        labels(
          await search([{ key: 'auc', op: '>', value: 0.9 }], {
            status: 'READY',
          }),
        ),
      ).toEqual(expectedOrder(['f2', 'c1', 'f1']));
      expect(
        labels(
          await search([{ key: 'auc', op: '>=', value: 0.9 }], {
            filter: { property: 'owner', values: ['group:default/b'] },
          }),
        ),
      ).toEqual(['c3', 'c1']);
      expect(
        labels(
          await search([{ key: 'auc', op: '>=', value: 0.9 }], {
            createdAfter: at(2),
            createdBefore: at(4),
          }),
        ),
      ).toEqual(expectedOrder(['f2', 'c1']));
    });

    it('pages with the keyset of the last version, in both orders', async () => {
      for (const order of ['desc', 'asc'] as const) {
        const all = labels(
          await search([{ key: 'auc', op: '>=', value: 0.9 }], { order }),
        );
        const paged: unknown[] = [];
        let after: VersionQuery['after'];
        for (;;) {
          const page = await search([{ key: 'auc', op: '>=', value: 0.9 }], {
            order,
            limit: 1,
            after,
          });
          if (page.length === 0) break;
          paged.push(...labels(page));
          const last = page[page.length - 1];
          after = { createdAt: last.createdAt, id: last.id };
        }
        expect(paged).toEqual(all);
      }
    });

    it('fills the copy of created_at for the rows there were before', async () => {
      await knex.migrate.down({ directory: migrationsDir, name: MIGRATION });
      const version = await knex('model_versions')
        .where({ id: ids.get('f2') })
        .first('created_at');
      await knex.migrate.up({ directory: migrationsDir, name: MIGRATION });
      const rows = await knex('version_metrics')
        .where({ version_id: ids.get('f2') })
        .select('created_at');
      expect(rows).toHaveLength(3);
      for (const row of rows) {
        expect(new Date(row.created_at).getTime()).toBe(
          new Date(version.created_at).getTime(),
        );
      }
      expect(
        labels(await search([{ key: 'auc', op: '>=', value: 0.9 }])),
      ).toEqual(expectedOrder(['c3', 'f2', 'c1', 'f1']));
    });
  },
);
