import {
  mockCredentials,
  mockServices,
  TestDatabaseId,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import {
  databases,
  startRegistry as start,
} from './__testUtils__/startRegistry';

jest.setTimeout(60_000);

async function startRegistry(
  databaseId: TestDatabaseId,
  permission:
    | AuthorizeResult.ALLOW
    | AuthorizeResult.DENY = AuthorizeResult.ALLOW,
) {
  const { server } = await start(databaseId, {
    features: [mockServices.permissions.factory({ result: permission })],
  });
  return server;
}

describe('PostgreSQL test database', () => {
  // The CI pipeline (.ci/run sets MLREG_CI) must prove the PostgreSQL
  // variant ran, never skip it silently. Not `CI`: `./mlreg test` sets that
  // for jest on every machine, and skips PostgreSQL with a notice there.
  it('is available in the CI pipeline', () => {
    const status = {
      ci: Boolean(process.env.MLREG_CI),
      postgres15: databases.supports('POSTGRES_15'),
    };
    expect(status).not.toEqual({ ci: true, postgres15: false });
  });
});

describe.each(databases.eachSupportedId())('modelRegistryPlugin (%s)', id => {
  it('answers the health check without credentials', async () => {
    const server = await startRegistry(id);
    await request(server)
      .get('/api/model-registry/health')
      .set('Authorization', mockCredentials.none.header())
      .expect(200, { status: 'ok' });
  });

  it('requires credentials for everything else', async () => {
    const server = await startRegistry(id);
    await request(server)
      .get('/api/model-registry/models')
      .set('Authorization', mockCredentials.none.header())
      .expect(401);
  });

  it('creates, gets and lists models', async () => {
    const server = await startRegistry(id);
    const created = await request(server)
      .post('/api/model-registry/models')
      .send({
        name: 'fraud-detector',
        owner: 'group:default/data-science',
        description: 'Scores card transactions',
        task: 'classification',
        tags: ['payments', 'tabular', 'payments'],
        links: { jiraProject: 'FRAUD' },
      })
      .expect(201);
    expect(created.body).toMatchObject({
      name: 'fraud-detector',
      owner: 'group:default/data-science',
      tags: ['payments', 'tabular'],
      archived: false,
      createdBy: 'user:default/mock',
    });

    await request(server)
      .get('/api/model-registry/models/fraud-detector')
      .expect(200)
      .expect(res =>
        expect(res.body.description).toBe('Scores card transactions'),
      );

    const list = await request(server)
      .get('/api/model-registry/models?search=fraud')
      .expect(200);
    expect(list.body.items.map((m: { name: string }) => m.name)).toEqual([
      'fraud-detector',
    ]);
  });

  it('pages through models in name order', async () => {
    const server = await startRegistry(id);
    for (const name of ['m-c', 'm-a', 'm-b']) {
      await request(server)
        .post('/api/model-registry/models')
        .send({ name, owner: 'group:default/data-science' })
        .expect(201);
    }
    const first = await request(server)
      .get('/api/model-registry/models?limit=2')
      .expect(200);
    expect(first.body.items.map((m: { name: string }) => m.name)).toEqual([
      'm-a',
      'm-b',
    ]);
    const second = await request(server)
      .get(`/api/model-registry/models?limit=2&cursor=${first.body.nextCursor}`)
      .expect(200);
    expect(second.body.items.map((m: { name: string }) => m.name)).toEqual([
      'm-c',
    ]);
    expect(second.body.nextCursor).toBeUndefined();
  });

  it('answers bad input with 4xx and writes nothing', async () => {
    const server = await startRegistry(id);
    const bad: Array<[object | string, number]> = [
      [{ name: 'Bad Name', owner: 'group:default/a' }, 400],
      [{ name: "x'; drop table models;--", owner: 'group:default/a' }, 400],
      [{ name: '../../etc/passwd', owner: 'group:default/a' }, 400],
      [{ name: 'ok', owner: 'not a ref' }, 400],
      [{ name: 'ok', owner: 'group:default/a', unknown: 1 }, 400],
      [{ name: 42, owner: 'group:default/a' }, 400],
      ['{"name": ', 400],
    ];
    for (const [body, status] of bad) {
      await request(server)
        .post('/api/model-registry/models')
        .set('Content-Type', 'application/json')
        .send(typeof body === 'string' ? body : JSON.stringify(body))
        .expect(status);
    }
    await request(server)
      .get('/api/model-registry/models?limit=abc')
      .expect(400);
    await request(server)
      .get('/api/model-registry/models?cursor=garbage')
      .expect(400);
    const list = await request(server).get('/api/model-registry/models');
    expect(list.body.items).toEqual([]);
  });

  it('answers 409 for a duplicate name', async () => {
    const server = await startRegistry(id);
    const body = { name: 'dup', owner: 'group:default/a' };
    await request(server)
      .post('/api/model-registry/models')
      .send(body)
      .expect(201);
    await request(server)
      .post('/api/model-registry/models')
      .send(body)
      .expect(409);
  });

  it('hides models and refuses creation when permissions deny', async () => {
    const server = await startRegistry(id, AuthorizeResult.DENY);
    await request(server)
      .post('/api/model-registry/models')
      .send({ name: 'secret', owner: 'group:default/a' })
      .expect(403);
    await request(server)
      .get('/api/model-registry/models')
      .expect(200, { items: [] });
    await request(server).get('/api/model-registry/models/secret').expect(404);
  });
});
