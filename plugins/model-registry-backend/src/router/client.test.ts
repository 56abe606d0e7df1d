import { ModelRegistryClient } from '@mlreg/plugin-model-registry-common';
import { mockCredentials } from '@backstage/backend-test-utils';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { AddressInfo } from 'node:net';
import { startRegistry } from '../__testUtils__/startRegistry';
import { RegistryDatabase } from '../database/RegistryDatabase';

jest.setTimeout(60_000);

describe('ModelRegistryClient against the real backend', () => {
  it('drives the whole API', async () => {
    const { server, knex } = await startRegistry('SQLITE_3');
    const { port } = server.address() as AddressInfo;
    const client = new ModelRegistryClient({
      discoveryApi: {
        getBaseUrl: async () => `http://localhost:${port}/api/model-registry`,
      },
    });
    const token = mockCredentials.user.token('user:default/dana');
    const o = { token };

    expect(await client.getHealth()).toEqual({ status: 'ok' });
    await client.createModel(
      { name: 'churn', owner: 'group:default/data-science' },
      o,
    );
    await client.updateModel('churn', { framework: 'lightgbm' }, o);
    const v1 = await client.registerVersion(
      'churn',
      {
        artifact: { uri: 'https://models.example/churn/1.txt' },
        metrics: [{ key: 'f1', value: 0.7 }],
      },
      o,
    );
    await client.registerVersion(
      'churn',
      {
        artifact: { uri: 'https://models.example/churn/2.txt' },
        metrics: [{ key: 'f1', value: 0.8 }],
      },
      o,
    );
    await client.registerVersion('churn', {}, o);
    expect(v1.version).toBe(1);
    await client.failVersion('churn', 3, 'out of memory', o);
    await client.updateVersion('churn', 2, { tags: ['candidate'] }, o);
    await client.setAlias('churn', 'champion', 2, o);
    expect(
      (await client.getVersionByAlias('churn', 'champion', o)).version,
    ).toBe(2);
    expect(await client.listAliases('churn', o)).toEqual([
      expect.objectContaining({ alias: 'champion', version: 2 }),
    ]);
    expect(
      (
        await client.listVersions({ model: 'churn', metric: ['f1>0.75'] }, o)
      ).items.map(v => v.version),
    ).toEqual([2]);
    expect(
      (await client.listVersions({ status: 'FAILED' }, o)).items,
    ).toHaveLength(1);
    expect(
      (await client.compareVersions('churn', [1, 2], o)).metrics[0].differs,
    ).toBe(true);
    expect(await client.getMetricTrend('churn', 'f1', {}, o)).toEqual({
      items: [
        { version: 1, value: 0.7 },
        { version: 2, value: 0.8 },
      ],
    });
    expect(
      await client.getMetricTrend('churn', 'f1', { versions: 1 }, o),
    ).toEqual({
      items: [{ version: 2, value: 0.8 }],
      truncated: { limit: 1, versions: 2, shown: 1 },
    });
    await client.setKpi(
      'churn',
      'retained-revenue',
      { value: 5000, unit: 'EUR' },
      o,
    );
    expect((await client.listKpis('churn', o))[0].value).toBe(5000);
    expect(
      await client.getKpiHistory('churn', 'retained-revenue', o),
    ).toHaveLength(1);
    expect(
      (await client.getLineage('churn', {}, o)).nodes.length,
    ).toBeGreaterThan(3);
    const audit = await client.listAuditRecords('churn', { limit: 2 }, o);
    expect(audit.items).toHaveLength(2);
    expect(audit.nextCursor).toBeDefined();
    expect(await client.getArtifactUrl('churn', 1)).toMatch(
      /\/models\/churn\/versions\/1\/artifact$/,
    );

    // Deployments, drift and health, recorded as the deployer and the drift
    // engine will, read through the client.
    await client.updateModel('churn', { keyMetric: 'f1' }, o);
    await client.setAlias('churn', 'production', 2, o);
    const db = new RegistryDatabase(knex);
    const churnId = (await db.read.models.getRef('churn'))!.id;
    const deployed = await db.read.deployments.record(
      churnId,
      {
        version: 2,
        environment: 'production',
        target: { cluster: 'eu', namespace: 'ml', kind: 'kserve' },
        replacedVersion: 1,
        actor: 'service:deployer',
      },
      new Date('2026-11-02T00:00:00Z'),
    );
    await db.read.deployments.appendStatus(
      deployed,
      'succeeded',
      new Date('2026-11-02T00:05:00Z'),
    );
    for (const [day, verdict] of [
      [3, 'no-drift'],
      [4, 'drift'],
    ] as const) {
      await db.read.drift.recordReport(
        churnId,
        {
          version: 2,
          windowStart: new Date(`2026-11-0${day - 1}T00:00:00Z`),
          windowEnd: new Date(`2026-11-0${day}T00:00:00Z`),
          verdict,
          driftedShare: verdict === 'drift' ? 1 : 0,
          retrainingSuggested: false,
          features: [],
        },
        new Date(`2026-11-0${day}T00:00:00Z`),
      );
    }
    await db.read.drift.putReferenceProfile(churnId, 2, [], new Date());

    const churn = await client.getModel('churn', o);
    expect(churn.keyMetricValue).toEqual({ key: 'f1', value: 0.8, version: 2 });
    expect(churn.health).toEqual({
      drift: {
        verdict: 'drift',
        windowEnd: '2026-11-04T00:00:00.000Z',
        version: 2,
      },
      lastDeployment: {
        environment: 'production',
        version: 2,
        status: 'succeeded',
        at: '2026-11-02T00:05:00.000Z',
      },
    });
    expect(
      (await client.listModels({ drift: 'drifting' }, o)).items.map(
        m => m.name,
      ),
    ).toEqual(['churn']);
    const deployments = await client.listDeployments(
      'churn',
      { environment: 'production' },
      o,
    );
    expect(deployments.items).toEqual([
      expect.objectContaining({
        id: deployed,
        replacedVersion: 1,
        status: 'succeeded',
        history: [
          { status: 'pending', at: '2026-11-02T00:00:00.000Z' },
          { status: 'succeeded', at: '2026-11-02T00:05:00.000Z' },
        ],
      }),
    ]);
    const reports = await client.listDriftReports('churn', { limit: 1 }, o);
    expect(reports.items.map(r => r.verdict)).toEqual(['drift']);
    const older = await client.listDriftReports(
      'churn',
      { limit: 1, cursor: reports.nextCursor },
      o,
    );
    expect(older.items.map(r => r.verdict)).toEqual(['no-drift']);
    expect(
      (
        await client.listDriftReports(
          'churn',
          { version: 2, since: '2026-11-04T00:00:00Z' },
          o,
        )
      ).items,
    ).toHaveLength(1);
    expect(await client.getReferenceProfile('churn', 2, o)).toMatchObject({
      model: 'churn',
      version: 2,
      features: [],
    });
    await expect(
      client.getReferenceProfile('churn', 1, o),
    ).rejects.toMatchObject({
      statusCode: 404,
      body: {
        error: {
          message: 'version 1 of model "churn" has no reference profile',
        },
      },
    });
    expect(await client.getPortfolioSummary(o)).toEqual({
      models: 1,
      inProduction: 1,
      drifting: 1,
      failedDeployments: 0,
      // the test catalog is empty
      withoutOwner: 1,
      withoutModelCard: 1,
    });

    await client.deleteAlias('churn', 'champion', o);
    await client.archiveModel('churn', o);
    expect(
      (await client.listModels({ archived: 'only' }, o)).items,
    ).toHaveLength(1);
    await client.restoreModel('churn', o);
    await client.createModel(
      { name: 'empty', owner: 'group:default/data-science' },
      o,
    );
    await client.deleteModel('empty', o);
    await expect(client.getModel('empty', o)).rejects.toThrow(/404/);
  });

  it('uploads artifacts from a Node stream, a web stream and bytes', async () => {
    const { server } = await startRegistry('SQLITE_3');
    const { port } = server.address() as AddressInfo;
    const baseUrl = `http://localhost:${port}/api/model-registry`;
    const client = new ModelRegistryClient({
      discoveryApi: { getBaseUrl: async () => baseUrl },
    });
    const o = { token: mockCredentials.user.token('user:default/dana') };
    await client.createModel(
      { name: 'ranker', owner: 'group:default/data-science' },
      o,
    );
    const chunks = [Buffer.alloc(300_000, 1), Buffer.from('tail')];
    const bytes = Buffer.concat(chunks);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const bodies = [
      Readable.from(chunks),
      Readable.toWeb(Readable.from(chunks)) as ReadableStream<Uint8Array>,
      new Uint8Array(bytes),
    ];
    for (const [index, body] of bodies.entries()) {
      await client.registerVersion('ranker', {}, o);
      const ready = await client.uploadArtifact(
        'ranker',
        index + 1,
        body,
        { sha256 },
        o,
      );
      expect(ready).toMatchObject({
        status: 'READY',
        artifact: { sha256, size: bytes.length },
      });
      const download = await fetch(
        await client.getArtifactUrl('ranker', index + 1),
        { headers: { Authorization: `Bearer ${o.token}` } },
      );
      expect(Buffer.from(await download.arrayBuffer()).equals(bytes)).toBe(
        true,
      );
    }

    await client.registerVersion('ranker', {}, o);
    await expect(
      client.uploadArtifact('ranker', 4, 'other bytes', { sha256 }, o),
    ).rejects.toMatchObject({ statusCode: 400 });
    expect((await client.getVersion('ranker', 4, o)).status).toBe('PENDING');
  });
});
