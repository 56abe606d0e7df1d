import {
  BackstageCredentials,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  ModelRegistryService,
  modelRegistryServiceRef,
} from '@mlreg/plugin-model-registry-node';
import { databases, startRegistry } from '../__testUtils__/startRegistry';

jest.setTimeout(60_000);

const dana = mockCredentials.user('user:default/dana');
const guest = mockCredentials.user('user:default/guest');

/** Lets dana do anything and the guest nothing. */
const permissions = mockServices.permissions.mock({
  authorize: async (requests, options) =>
    requests.map(() => ({ result: decide(options?.credentials) })),
  authorizeConditional: async (requests, options) =>
    requests.map(() => ({ result: decide(options?.credentials) })) as any,
});

function decide(credentials?: BackstageCredentials) {
  const principal = credentials?.principal as { userEntityRef?: string };
  return principal?.userEntityRef === 'user:default/dana'
    ? AuthorizeResult.ALLOW
    : AuthorizeResult.DENY;
}

/** Another plugin of the same backend, calling the registry as modules do. */
function callerPlugin(onInit: (registry: ModelRegistryService) => void) {
  return createBackendPlugin({
    pluginId: 'registry-caller',
    register(env) {
      env.registerInit({
        deps: { registry: modelRegistryServiceRef },
        async init({ registry }) {
          onInit(registry);
        },
      });
    },
  });
}

describe.each(databases.eachSupportedId())(
  'modelRegistryServiceRef (%s)',
  databaseId => {
    let registry: ModelRegistryService;

    beforeEach(async () => {
      await startRegistry(databaseId, {
        features: [
          permissions.factory,
          callerPlugin(r => {
            registry = r;
          }),
        ],
      });
    });

    it("calls the real registry with the caller's credentials", async () => {
      const created = await registry.createModel(
        { name: 'churn', owner: 'group:default/ds', tags: ['tabular'] },
        { credentials: dana },
      );
      expect(created).toMatchObject({
        name: 'churn',
        createdBy: 'user:default/dana',
      });
      await registry.setKpi(
        'churn',
        'revenue-saved',
        { value: 12, unit: 'kEUR' },
        { credentials: dana },
      );

      const page = await registry.listModels(undefined, { credentials: dana });
      expect(page.items.map(m => m.name)).toEqual(['churn']);
      expect(
        (await registry.listKpis('churn', { credentials: dana })).map(
          k => k.name,
        ),
      ).toEqual(['revenue-saved']);
    });

    it("applies the caller's permissions: a denied user gets the registry's 403 and 404", async () => {
      await registry.createModel(
        { name: 'fraud', owner: 'group:default/ds' },
        { credentials: dana },
      );

      await expect(
        registry.createModel(
          { name: 'sneaky', owner: 'group:default/ds' },
          { credentials: guest },
        ),
      ).rejects.toMatchObject({ response: { status: 403 } });
      await expect(
        registry.getModel('fraud', { credentials: guest }),
      ).rejects.toMatchObject({ response: { status: 404 } });
      expect(
        await registry.listModels(undefined, { credentials: guest }),
      ).toEqual({ items: [] });
      // and nothing was written on the guest's behalf
      expect(
        (await registry.listModels(undefined, { credentials: dana })).items.map(
          m => m.name,
        ),
      ).toEqual(['fraud']);
    });
  },
);
