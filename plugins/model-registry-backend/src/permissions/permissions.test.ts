import { mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  modelCreatePermission,
  modelReadPermission,
  RESOURCE_TYPE_MODEL_REGISTRY_MODEL,
} from '@mlreg/plugin-model-registry-common';
import request from 'supertest';
import { ownerOnlyPermissions } from '../__testUtils__/permissions';
import { databases, startRegistry } from '../__testUtils__/startRegistry';
import { isModelOwner } from './rules';

jest.setTimeout(120_000);

const base = '/api/model-registry';
const dataScience = 'group:default/data-science';

describe('isModelOwner', () => {
  it('matches models owned by one of the claims, in memory and in SQL', () => {
    const model = { name: 'm', owner: dataScience } as any;
    expect(isModelOwner.apply(model, { claims: [dataScience] })).toBe(true);
    expect(isModelOwner.apply(model, { claims: ['group:default/other'] })).toBe(
      false,
    );
    expect(isModelOwner.toQuery({ claims: [dataScience] })).toEqual({
      property: 'owner',
      values: [dataScience],
    });
  });
});

describe.each(databases.eachSupportedId())(
  'model read filtering (%s)',
  databaseId => {
    it('filters the list in SQL by a conditional decision, before paging', async () => {
      const { conditional, factory } = ownerOnlyPermissions(
        dataScience,
        permission => permission === modelCreatePermission.name,
      );
      const { server } = await startRegistry(databaseId, {
        features: [factory],
      });
      expect(conditional).toMatchObject({
        pluginId: 'model-registry',
        resourceType: RESOURCE_TYPE_MODEL_REGISTRY_MODEL,
      });
      // Many unreadable models sort before the readable ones: a filter applied
      // after paging would return an empty first page.
      for (let i = 0; i < 30; i++) {
        await request(server)
          .post(`${base}/models`)
          .send({ name: `a-hidden-${i}`, owner: 'group:default/ml-platform' })
          .expect(201);
      }
      for (const name of ['z-mine-1', 'z-mine-2', 'z-mine-3']) {
        await request(server)
          .post(`${base}/models`)
          .send({ name, owner: dataScience })
          .expect(201);
      }
      const page1 = await request(server)
        .get(`${base}/models?limit=2`)
        .expect(200);
      expect(page1.body.items.map((m: any) => m.name)).toEqual([
        'z-mine-1',
        'z-mine-2',
      ]);
      const page2 = await request(server)
        .get(`${base}/models?limit=2&cursor=${page1.body.nextCursor}`)
        .expect(200);
      expect(page2.body.items.map((m: any) => m.name)).toEqual(['z-mine-3']);

      // Single-model endpoints ask authorize(), which denies here: 404, not 403.
      await request(server).get(`${base}/models/a-hidden-1`).expect(404);
      await request(server).get(`${base}/versions`).expect(200, { items: [] });
    });

    it('answers 403 on a readable model when the action is denied', async () => {
      const permissions = mockServices.permissions.mock({
        authorize: async requests =>
          requests.map(r => ({
            result:
              r.permission.name === modelReadPermission.name ||
              r.permission.name === modelCreatePermission.name
                ? AuthorizeResult.ALLOW
                : AuthorizeResult.DENY,
          })),
      });
      const { server } = await startRegistry(databaseId, {
        features: [permissions.factory],
      });
      await request(server)
        .post(`${base}/models`)
        .send({ name: 'read-only', owner: dataScience })
        .expect(201);
      const denied: Array<[string, string, object?]> = [
        ['patch', '/models/read-only', { description: 'x' }],
        ['post', '/models/read-only/archive'],
        ['delete', '/models/read-only'],
        ['post', '/models/read-only/versions', {}],
        ['put', '/models/read-only/aliases/champion', { version: 1 }],
        ['put', '/models/read-only/kpis/revenue', { value: 1 }],
      ];
      for (const [method, path, body] of denied) {
        const res = await (request(server) as any)
          [method](`${base}${path}`)
          .send(body ?? {});
        expect([path, res.status]).toEqual([path, 403]);
      }
      await request(server).get(`${base}/models/read-only`).expect(200);
    });
  },
);
