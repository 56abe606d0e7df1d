import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createModelEventRouter, readModelEventRoutingConfig } from './routing';

function model(
  name: string,
  owner: string,
  annotations: Record<string, string> = {},
): Entity {
  return {
    apiVersion: 'mlreg.io/v1alpha1',
    kind: 'Model',
    metadata: { name, namespace: 'default', annotations },
    spec: { type: 'classification', lifecycle: 'production', owner },
  };
}

function group(name: string, annotations: Record<string, string> = {}) {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name, namespace: 'default', annotations },
    spec: { type: 'team', children: [] },
  };
}

/** A catalog whose contents the test replaces, as a re-org would. */
function switchableCatalog(entities: Entity[]) {
  let current = catalogServiceMock({ entities });
  const catalog = new Proxy({} as CatalogService, {
    get:
      (_, method: keyof CatalogService) =>
      (...args: unknown[]) =>
        (current[method] as (...a: unknown[]) => unknown)(...args),
  });
  return {
    catalog,
    replace(next: Entity[]) {
      current = catalogServiceMock({ entities: next });
    },
  };
}

const auth = mockServices.auth();

describe('createModelEventRouter', () => {
  it('routes to the owner, with the model annotations before the owner annotations, plus configured rules', async () => {
    const { catalog } = switchableCatalog([
      model('fraud', 'group:default/risk', {
        'slack.com/channel': '#fraud-models',
      }),
      group('risk', {
        'slack.com/channel': '#risk',
        'jira/project-key': 'RISK',
      }),
    ]);
    const router = createModelEventRouter({
      catalog,
      auth,
      config: new ConfigReader({
        modelRegistry: {
          routing: {
            rules: [
              {
                events: ['deployment.failed'],
                notify: ['group:default/sre', 'platform'],
                slackChannels: ['#ml-oncall', '#fraud-models'],
              },
              {
                events: ['deployment.failed'],
                models: ['churn'],
                notify: ['group:default/churn-team'],
              },
            ],
          },
        },
      }),
    });

    await expect(
      router.resolve({ type: 'version.registered', model: 'fraud' }),
    ).resolves.toEqual({
      entityRef: 'model:default/fraud',
      entityPath: '/catalog/default/model/fraud',
      owners: ['group:default/risk'],
      entities: ['group:default/risk'],
      slackChannels: ['#fraud-models'],
      jiraProjectKey: 'RISK',
    });
    await expect(
      router.resolve({ type: 'deployment.failed', model: 'fraud' }),
    ).resolves.toEqual(
      expect.objectContaining({
        entities: [
          'group:default/risk',
          'group:default/sre',
          'group:default/platform',
        ],
        slackChannels: ['#fraud-models', '#ml-oncall'],
      }),
    );
  });

  it('finds a catalog-info Model by its registry-name annotation and resolves a short owner in its namespace', async () => {
    const entity = model('fraud-model-entity', 'risk', {
      'mlreg.io/registry-name': 'fraud',
    });
    entity.metadata.namespace = 'payments';
    const { catalog } = switchableCatalog([
      entity,
      { ...group('risk', { 'jira/project-key': 'PAY' }) },
    ]);
    const router = createModelEventRouter({ catalog, auth });
    const recipients = await router.resolve({
      type: 'drift.detected',
      model: 'fraud',
    });
    expect(recipients).toEqual({
      entityRef: 'model:payments/fraud-model-entity',
      entityPath: '/catalog/payments/model/fraud-model-entity',
      owners: ['group:payments/risk'],
      entities: ['group:payments/risk'],
      slackChannels: [],
      // The owner is group:payments/risk, which the catalog does not have.
      jiraProjectKey: undefined,
    });
  });

  it('follows a re-org in the catalog once the cache TTL has passed', async () => {
    const { catalog, replace } = switchableCatalog([
      model('fraud', 'group:default/risk'),
      group('risk', { 'slack.com/channel': '#risk' }),
    ]);
    const router = createModelEventRouter({
      catalog,
      auth,
      routing: { cacheTtlMs: 50 },
    });
    const event = { type: 'monitor.breached' as const, model: 'fraud' };
    expect((await router.resolve(event)).slackChannels).toEqual(['#risk']);

    replace([
      model('fraud', 'group:default/payments-ml'),
      group('risk', { 'slack.com/channel': '#risk' }),
      group('payments-ml', { 'slack.com/channel': '#payments-ml' }),
    ]);
    // Within the TTL the cached answer stands ...
    expect((await router.resolve(event)).owners).toEqual([
      'group:default/risk',
    ]);
    await new Promise(resolve => setTimeout(resolve, 60));
    // ... after it, the new owner and its channel.
    const after = await router.resolve(event);
    expect(after.owners).toEqual(['group:default/payments-ml']);
    expect(after.slackChannels).toEqual(['#payments-ml']);
  });

  it('does not remember a failed catalog lookup', async () => {
    const catalog = catalogServiceMock({
      entities: [model('fraud', 'group:default/risk')],
    });
    const failing = jest
      .spyOn(catalog, 'getEntities')
      .mockRejectedValueOnce(new Error('catalog unavailable'));
    const router = createModelEventRouter({ catalog, auth });
    const event = { type: 'version.registered' as const, model: 'fraud' };
    await expect(router.resolve(event)).rejects.toThrow('catalog unavailable');
    failing.mockRestore();
    await expect(router.resolve(event)).resolves.toEqual(
      expect.objectContaining({ owners: ['group:default/risk'] }),
    );
  });

  it('sends events of models the catalog does not know to the configured rules only', async () => {
    const { catalog } = switchableCatalog([]);
    const router = createModelEventRouter({
      catalog,
      auth,
      routing: {
        rules: [
          {
            events: ['model.deleted'],
            notify: ['group:default/admins'],
            slackChannels: [],
          },
        ],
      },
    });
    await expect(
      router.resolve({ type: 'model.deleted', model: 'gone' }),
    ).resolves.toEqual({
      entityRef: undefined,
      entityPath: undefined,
      owners: [],
      entities: ['group:default/admins'],
      slackChannels: [],
      jiraProjectKey: undefined,
    });
  });
});

describe('readModelEventRoutingConfig', () => {
  const read = (routing: unknown) =>
    readModelEventRoutingConfig(
      new ConfigReader({ modelRegistry: { routing } } as any),
    );

  it('defaults to no rules and a 30 s cache', () => {
    expect(readModelEventRoutingConfig(new ConfigReader({}))).toEqual({
      rules: [],
      cacheTtlMs: 30_000,
    });
  });

  it.each([
    [
      { rules: [{ events: ['nope'], notify: ['a'] }] },
      /unknown event type "nope"/,
    ],
    [
      {
        rules: [
          { events: ['drift.detected'], models: ['Bad_Name'], notify: ['a'] },
        ],
      },
      /rules\[0\]\.models/,
    ],
    [
      { rules: [{ events: ['drift.detected'] }] },
      /names neither notify nor slackChannels/,
    ],
    [
      { rules: [{ events: ['drift.detected'], notify: ['group:default/'] }] },
      /rules\[0\]\.notify/,
    ],
    [{ cacheTtl: { hours: 1 } }, /between 0 and 5 minutes/],
    [{ rules: [{ notify: ['a'] }] }, /events/],
  ])('refuses %j', (routing, message) => {
    expect(() => read(routing)).toThrow(message);
  });
});
