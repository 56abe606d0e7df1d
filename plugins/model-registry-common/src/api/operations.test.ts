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
    const getsWithBody = operations
      .filter(([, op]) => op.method === 'get')
      .filter(([, op]) => 'body' in op || 'upload' in op)
      .map(([id]) => id);
    expect(getsWithBody).toEqual([]);
    const noContentWithAnswer = operations
      .filter(([, op]) => op.status === 204 && 'response' in op)
      .map(([id]) => id);
    expect(noContentWithAnswer).toEqual([]);
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
