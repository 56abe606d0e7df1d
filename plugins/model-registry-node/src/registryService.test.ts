import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { ModelRegistryApi } from '@mlreg/plugin-model-registry-common';
import { createModelRegistryService } from './registryService';

describe('createModelRegistryService', () => {
  // A client that records each call and answers with the method's name.
  const calls: unknown[][] = [];
  const client = new Proxy(
    {},
    {
      get:
        (_, method) =>
        async (...args: unknown[]) => {
          calls.push([method, ...args]);
          return method;
        },
    },
  ) as ModelRegistryApi;
  const service = createModelRegistryService({
    auth: mockServices.auth(),
    client,
  });
  const credentials = mockCredentials.user('user:default/dana');
  const token = mockCredentials.service.token({
    onBehalfOf: credentials,
    targetPluginId: 'model-registry',
  });

  beforeEach(() => {
    calls.length = 0;
  });

  it('passes the arguments through, with a token on behalf of the credentials', async () => {
    expect(
      await service.listAuditRecords('churn', undefined, { credentials }),
    ).toBe('listAuditRecords');
    await service.setAlias('churn', 'champion', 3, { credentials });
    expect(calls).toEqual([
      ['listAuditRecords', 'churn', undefined, { token }],
      ['setAlias', 'churn', 'champion', 3, { token }],
    ]);
  });

  it('refuses credentials it cannot issue a token for', async () => {
    await expect(
      service.getModel('churn', { credentials: mockCredentials.none() }),
    ).rejects.toThrow(/Refused to issue service token/);
    expect(calls).toEqual([]);
  });
});
