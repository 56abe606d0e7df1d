import { ModelVersionStatus } from '@mlreg/plugin-model-registry-common';
import { randomUUID } from 'node:crypto';
import { InMemoryRegistry } from './InMemoryRegistry';

const seededAt = new Date('2026-11-01T00:00:00Z');
const seeder = 'user:default/seeder';

/** Adds a model straight to the stores, without audit or events; returns its id. */
export async function seedModel(
  registry: InMemoryRegistry,
  name: string,
): Promise<string> {
  const id = randomUUID();
  await registry.read.models.insert(
    id,
    {
      name,
      owner: 'group:default/ml',
      description: '',
      tags: [],
      links: {},
      actor: seeder,
    },
    seededAt,
  );
  return id;
}

/** Adds the next version of a model straight to the stores; returns its number. */
export async function seedVersion(
  registry: InMemoryRegistry,
  modelId: string,
  status: ModelVersionStatus = 'READY',
): Promise<number> {
  const version = (await registry.read.models.nextVersionNumber(modelId))!;
  await registry.read.versions.insert(
    {
      id: randomUUID(),
      modelId,
      version,
      status,
      description: '',
      source: {},
      parameters: {},
      metrics: [],
      datasets: [],
      tags: [],
      modelCard: {},
      annotations: {},
      actor: seeder,
    },
    seededAt,
  );
  return version;
}
