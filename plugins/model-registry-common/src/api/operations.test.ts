import { z } from 'zod';
import { modelRegistryOperations } from './operations';

const operations = Object.entries(modelRegistryOperations);

describe('modelRegistryOperations', () => {
  it.each(operations)('%s validates exactly its path parameters', (_, op) => {
    const inPath = [...op.path.matchAll(/:([A-Za-z]+)/g)].map(m => m[1]);
    const params = 'params' in op ? op.params : undefined;
    const declared = params
      ? Object.keys((params as z.ZodObject).shape).sort()
      : [];
    expect(declared).toEqual([...inPath].sort());
  });

  it('has one operation per method and path', () => {
    const routes = operations.map(
      ([, op]) => `${op.method} ${op.path.replace(/:[A-Za-z]+/g, ':')}`,
    );
    expect(new Set(routes).size).toBe(routes.length);
  });

  it('sends bodies only where HTTP allows them', () => {
    for (const [id, op] of operations) {
      const hasBody = 'body' in op || 'upload' in op;
      if (hasBody) expect([id, op.method]).not.toEqual([id, 'get']);
      if (op.status === 204) expect('response' in op).toBe(false);
    }
  });

  it('reads version numbers in paths as numbers', () => {
    const params = modelRegistryOperations.getVersion.params.parse({
      name: 'fraud-detector',
      version: '12',
    });
    expect(params).toEqual({ name: 'fraud-detector', version: 12 });
    expect(
      modelRegistryOperations.getVersion.params.safeParse({
        name: 'fraud-detector',
        version: '012',
      }).success,
    ).toBe(false);
  });
});
