import { ModelRegistryClient } from '@mlreg/plugin-model-registry-common';
import { mockCredentials } from '@backstage/backend-test-utils';
import { AddressInfo } from 'node:net';
import { startRegistry } from '../__testUtils__/startRegistry';

jest.setTimeout(60_000);

describe('ModelRegistryClient against the real backend', () => {
  it('drives the whole API', async () => {
    const { server } = await startRegistry('SQLITE_3');
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
    expect(await client.getMetricTrend('churn', 'f1', o)).toEqual([
      { version: 1, value: 0.7 },
      { version: 2, value: 0.8 },
    ]);
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
    expect((await client.getLineage('churn', o)).nodes.length).toBeGreaterThan(
      3,
    );
    const audit = await client.listAuditRecords('churn', { limit: 2 }, o);
    expect(audit.items).toHaveLength(2);
    expect(audit.nextCursor).toBeDefined();
    expect(await client.getArtifactUrl('churn', 1)).toMatch(
      /\/models\/churn\/versions\/1\/artifact$/,
    );
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
});
