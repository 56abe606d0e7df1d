import request from 'supertest';
import { databases, startRegistry } from '../__testUtils__/startRegistry';

jest.setTimeout(300_000);

const base = '/api/model-registry';
const m = `${base}/models`;
const owner = 'group:default/data-science';
const uuid = '00000000-0000-4000-8000-000000000000';
const cursorOf = (position: object) =>
  Buffer.from(JSON.stringify(position)).toString('base64url');

/**
 * The registry is a system of record: what it was given comes back
 * verbatim, a duplicate is refused the way the database sees it, a forged
 * cursor is refused rather than answered with an empty page, and a version
 * that got 201 is never deleted by a racing model deletion.
 */
describe.each(databases.eachSupportedId())(
  'data integrity (%s)',
  databaseId => {
    let server: Awaited<ReturnType<typeof startRegistry>>['server'];
    const api = () => request(server);

    beforeAll(async () => {
      ({ server } = await startRegistry(databaseId));
      await api().post(m).send({ name: 'ledger', owner }).expect(201);
    });

    describe('metric duplicates', () => {
      it('refuses a metric without a step next to the same metric at step 0, naming it', async () => {
        const res = await api()
          .post(`${m}/ledger/versions`)
          .send({
            metrics: [
              { key: 'auc', value: 0.9 },
              { key: 'auc', value: 0.8, step: 0 },
            ],
          })
          .expect(400);
        expect(res.body.error.message).toContain('"auc"');
        const same = await api()
          .post(`${m}/ledger/versions`)
          .send({
            metrics: [
              { key: 'loss', value: 1, dataset: 'holdout' },
              { key: 'loss', value: 2, dataset: 'holdout', step: 0 },
            ],
          })
          .expect(400);
        expect(same.body.error.message).toContain('"loss"');
      });

      it('keeps a metric at a step apart from the same metric on a data set named like that step', async () => {
        const res = await api()
          .post(`${m}/ledger/versions`)
          .send({
            metrics: [
              { key: 'auc', value: 0.5, step: 5 },
              { key: 'auc', value: 0.6, dataset: '5' },
              { key: 'auc', value: 0.7, dataset: '5', step: 5 },
              { key: 'auc', value: 0.8 },
            ],
          })
          .expect(201);
        const got = await api()
          .get(`${m}/ledger/versions/${res.body.version}`)
          .expect(200);
        expect(got.body.metrics).toEqual(
          expect.arrayContaining([
            { key: 'auc', value: 0.5, step: 5 },
            { key: 'auc', value: 0.6, dataset: '5' },
            { key: 'auc', value: 0.7, dataset: '5', step: 5 },
            { key: 'auc', value: 0.8 },
          ]),
        );
        expect(got.body.metrics).toHaveLength(4);
        // ...and the comparison shows all four, none overwriting another
        const other = await api()
          .post(`${m}/ledger/versions`)
          .send({ metrics: [{ key: 'auc', value: 0.1, step: 5 }] })
          .expect(201);
        const compared = await api()
          .get(
            `${m}/ledger/compare?versions=${res.body.version},${other.body.version}`,
          )
          .expect(200);
        const values = compared.body.metrics.map(
          (row: { values: Record<string, unknown> }) =>
            row.values[res.body.version],
        );
        expect(values.sort()).toEqual([0.5, 0.6, 0.7, 0.8]);
      });
    });

    describe('keys that are JavaScript property names', () => {
      const names = ['toString', 'constructor', 'valueOf', 'hasOwnProperty'];

      it('stores and returns every parameter, metric and annotation verbatim, and compares them', async () => {
        await api().post(m).send({ name: 'protos', owner }).expect(201);
        const numbers: number[] = [];
        for (const n of [1, 2]) {
          const res = await api()
            .post(`${m}/protos/versions`)
            .send({
              parameters: Object.fromEntries(names.map(k => [k, `${k}-${n}`])),
              metrics: names.map((key, i) => ({ key, value: n * 10 + i })),
              annotations: { constructor: `c${n}`, valueof: `v${n}` },
            })
            .expect(201);
          numbers.push(res.body.version);
          const got = await api()
            .get(`${m}/protos/versions/${res.body.version}`)
            .expect(200);
          expect(got.body.parameters).toEqual(
            Object.fromEntries(names.map(k => [k, `${k}-${n}`])),
          );
          expect(got.body.annotations).toEqual({
            constructor: `c${n}`,
            valueof: `v${n}`,
          });
          expect(
            Object.fromEntries(
              got.body.metrics.map((x: { key: string; value: number }) => [
                x.key,
                x.value,
              ]),
            ),
          ).toEqual(Object.fromEntries(names.map((k, i) => [k, n * 10 + i])));
        }
        const compared = await api()
          .get(`${m}/protos/compare?versions=${numbers.join(',')}`)
          .expect(200);
        expect(compared.body.parameters).toEqual(
          [...names].sort().map(key => ({
            key,
            values: { [numbers[0]]: `${key}-1`, [numbers[1]]: `${key}-2` },
            differs: true,
          })),
        );
        expect(compared.body.metrics).toEqual(
          [...names].sort().map(key => {
            const i = names.indexOf(key);
            return {
              key,
              values: { [numbers[0]]: 10 + i, [numbers[1]]: 20 + i },
              differs: true,
            };
          }),
        );
        // a key only one version has is null for the other, not inherited
        await api()
          .post(`${m}/protos/versions`)
          .send({ parameters: { lr: 0.1 } })
          .expect(201);
        const sparse = await api()
          .get(`${m}/protos/compare?versions=${numbers[0]},3`)
          .expect(200);
        expect(sparse.body.parameters).toContainEqual({
          key: 'toString',
          values: { [numbers[0]]: 'toString-1', 3: null },
          differs: true,
        });
        const trend = await api()
          .get(`${m}/protos/metrics/constructor/trend`)
          .expect(200);
        expect(trend.body.items).toEqual([]); // the versions are PENDING
      });
    });

    describe('forged page cursors', () => {
      const refused = 'cursor is not one this API returned';
      const cases: Array<[string, object]> = [];
      const add = (path: string, positions: object[]) =>
        positions.forEach(p => cases.push([path, p]));
      const nul = 'a\u0000b';
      const timestampLists = [
        [`${base}/versions`, 'createdAt'],
        [`${m}/ledger/deployments`, 'createdAt'],
        [`${m}/ledger/drift/reports`, 'windowEnd'],
      ] as const;
      for (const [path, field] of timestampLists) {
        add(path, [
          { [field]: 'not a date', id: uuid },
          { [field]: '2026', id: uuid },
          { [field]: 1767225600000, id: uuid },
          { [field]: '2026-11-01T00:00:00.000Z', id: 42 },
          { [field]: '2026-11-01T00:00:00.000Z', id: nul },
          { [field]: '2026-11-01T00:00:00.000Z' },
        ]);
      }
      add(`${m}?sort=createdAt`, [
        { value: 'not a date', name: 'x' },
        { value: 1767225600000, name: 'x' },
        { value: '2026-11-01T00:00:00.000Z', name: 42 },
        { value: '2026-11-01T00:00:00.000Z', name: nul },
      ]);
      add(`${m}?sort=updatedAt&order=desc`, [
        { value: 'ledger', name: 'ledger' },
        { value: true, name: 'x' },
      ]);
      add(`${m}?sort=name`, [
        { value: 42, name: 'x' },
        { value: 'x', name: 42 },
        { value: nul, name: nul },
        { value: 'x\uD800', name: 'x' },
      ]);
      add(`${m}`, [{ value: 42, name: 'x' }]);
      add(`${m}/ledger/versions`, [
        { version: '1' },
        { version: 1.5 },
        { version: 1e300 },
        { version: -1 },
        { version: 2 ** 31 },
        { createdAt: '2026-11-01T00:00:00.000Z', id: uuid },
      ]);
      add(`${m}/ledger/audit`, [
        { before: '5' },
        { before: 1.5 },
        { before: 1e300 },
        { before: -3 },
      ]);
      add(`${base}/deliveries`, [
        { seq: '1', subscriber: 'x' },
        { seq: 1, subscriber: 42 },
        { seq: 1, subscriber: nul },
        { seq: 1e300, subscriber: 'x' },
      ]);

      it('answers every forged cursor with 400, never an empty page', async () => {
        const failures: string[] = [];
        for (const [path, position] of cases) {
          const sep = path.includes('?') ? '&' : '?';
          const res = await api().get(
            `${path}${sep}cursor=${cursorOf(position)}`,
          );
          if (res.status !== 400 || res.body?.error?.message !== refused) {
            failures.push(
              `${path} ${JSON.stringify(position).slice(0, 80)} -> ${
                res.status
              } ${JSON.stringify(res.body).slice(0, 160)}`,
            );
          }
        }
        expect(failures).toEqual([]);
      });

      it('still walks every list with the cursors it hands out', async () => {
        for (const name of ['walk-a', 'walk-b']) {
          await api().post(m).send({ name, owner }).expect(201);
          await api().post(`${m}/ledger/versions`).send({}).expect(201);
        }
        for (const path of [
          `${m}?sort=name&limit=1`,
          `${m}?sort=createdAt&limit=1`,
          `${m}?sort=updatedAt&order=asc&limit=1`,
          `${base}/versions?limit=1`,
          `${m}/ledger/versions?limit=1`,
          `${m}/ledger/audit?limit=1`,
        ]) {
          const first = await api().get(path).expect(200);
          expect(first.body.nextCursor).toBeDefined();
          const second = await api()
            .get(`${path}&cursor=${first.body.nextCursor}`)
            .expect(200);
          expect(second.body.items).toHaveLength(1);
          expect(second.body.items[0]).not.toEqual(first.body.items[0]);
        }
      });
    });

    describe('deleting a model while a version is registered', () => {
      it('never deletes a version whose registration answered 201', async () => {
        const lost: string[] = [];
        let registered = 0;
        let deleted = 0;
        for (let round = 0; round < 25; round++) {
          const name = `race-${round}`;
          await api().post(m).send({ name, owner }).expect(201);
          const [reg, del] = await Promise.all([
            api().post(`${m}/${name}/versions`).send({}),
            api().delete(`${m}/${name}`),
            api().post(`${m}/${name}/versions`).send({}),
          ]).then(([a, b, c]) => [[a, c], b] as const);
          expect([204, 404, 409]).toContain(del.status);
          if (del.status === 204) deleted++;
          for (const r of reg) {
            expect([201, 404]).toContain(r.status);
            if (r.status !== 201) continue;
            registered++;
            const got = await api().get(
              `${m}/${name}/versions/${r.body.version}`,
            );
            if (got.status !== 200) lost.push(`${name} v${r.body.version}`);
          }
        }
        expect(lost).toEqual([]);
        expect(registered).toBeGreaterThan(0);
        expect(registered + deleted).toBeGreaterThan(0);
      });
    });
  },
);
