import { createMockDirectory } from '@backstage/backend-test-utils';
import { NotFoundError } from '@backstage/errors';
import { InMemoryRegistry } from '../__testUtils__/InMemoryRegistry';
import { seedModel, seedVersion } from '../__testUtils__/seed';
import { FilesystemArtifactStore } from '../storage/FilesystemArtifactStore';
import { KpiService } from './KpiService';
import { ModelService } from './ModelService';
import { VersionService } from './VersionService';

const dana = { ref: 'user:default/dana' };
const lee = { ref: 'user:default/lee' };

describe('KpiService', () => {
  const artifactDir = createMockDirectory();
  let registry: InMemoryRegistry;
  let kpis: KpiService;

  beforeEach(async () => {
    registry = new InMemoryRegistry();
    const models = new ModelService(registry);
    const artifacts = await FilesystemArtifactStore.create({
      rootDir: artifactDir.path,
    });
    const versions = new VersionService(registry, models, artifacts, 1024);
    kpis = new KpiService(registry, models, versions);
    const fraud = await seedModel(registry, 'fraud');
    await seedVersion(registry, fraud); // 1
    await seedVersion(registry, fraud); // 2
  });

  it('records a KPI of a model, with defaults for what the client left out', async () => {
    const kpi = await kpis.set('fraud', 'revenue', { value: 1200 }, dana);

    expect(kpi).toEqual({
      name: 'revenue',
      value: 1200,
      unit: '',
      period: '',
      source: '',
      updatedAt: expect.any(String),
      updatedBy: dana.ref,
    });
    expect(await kpis.list('fraud')).toEqual([kpi]);
    expect(registry.auditRecords).toEqual([
      expect.objectContaining({
        action: 'kpi.set',
        target: 'model:fraud/kpis/revenue',
        version: undefined,
        before: undefined,
        after: {
          name: 'revenue',
          value: 1200,
          unit: '',
          period: '',
          source: '',
          versionId: undefined,
          version: undefined,
        },
      }),
    ]);
    expect(registry.events).toEqual([
      expect.objectContaining({
        type: 'kpi.updated',
        payload: {
          model: 'fraud',
          kpi: 'revenue',
          value: 1200,
          version: undefined,
          actor: dana.ref,
        },
      }),
    ]);
  });

  it('keeps the history and shows the newest value as current', async () => {
    const input = { unit: 'EUR', period: 'month', source: 'finance' };
    const first = await kpis.set(
      'fraud',
      'revenue',
      { value: 1, ...input },
      dana,
    );
    await kpis.set('fraud', 'revenue', { value: 2, ...input }, lee);
    const third = await kpis.set(
      'fraud',
      'revenue',
      { value: 3, ...input },
      dana,
    );

    expect(await kpis.list('fraud')).toEqual([third]);
    expect(
      (await kpis.history('fraud', 'revenue', 10)).map(k => k.value),
    ).toEqual([3, 2, 1]);
    expect(
      (await kpis.history('fraud', 'revenue', 2)).map(k => k.value),
    ).toEqual([3, 2]);
    // Each change records the value it replaced.
    expect(registry.auditRecords.map(r => r.before)).toEqual([
      undefined,
      first,
      expect.objectContaining({ value: 2, updatedBy: lee.ref }),
    ]);
  });

  it('keeps the KPIs of versions apart from the model’s own', async () => {
    await kpis.set('fraud', 'latency', { value: 40 }, dana);
    const v2 = await kpis.set(
      'fraud',
      'latency',
      { value: 25, version: 2 },
      dana,
    );
    await kpis.set('fraud', 'conversion', { value: 0.3, version: 1 }, dana);

    expect(v2).toMatchObject({ name: 'latency', value: 25, version: 2 });
    expect(
      (await kpis.list('fraud')).map(k => [k.name, k.version, k.value]),
    ).toEqual([
      ['conversion', 1, 0.3],
      ['latency', undefined, 40],
      ['latency', 2, 25],
    ]);
    expect(registry.auditRecords[1]).toMatchObject({
      version: 2,
      before: undefined,
      after: { value: 25, version: 2, versionId: undefined },
    });
  });

  it('records nothing for an unknown model or version', async () => {
    await expect(
      kpis.set('churn', 'revenue', { value: 1 }, dana),
    ).rejects.toThrow(new NotFoundError('model "churn" not found'));
    await expect(
      kpis.set('fraud', 'revenue', { value: 1, version: 9 }, dana),
    ).rejects.toThrow(
      new NotFoundError('version 9 of model "fraud" not found'),
    );
    await expect(kpis.list('churn')).rejects.toThrow(NotFoundError);
    expect(await kpis.list('fraud')).toEqual([]);
    expect(registry.auditRecords).toEqual([]);
    expect(registry.events).toEqual([]);
  });
});
