import { ModelRegistryEventSubscriber } from '@mlreg/plugin-model-registry-node';
import { createExtensionRegistries } from './ExtensionRegistry';

const subscriber = (
  fields: Partial<ModelRegistryEventSubscriber> = {},
): ModelRegistryEventSubscriber => ({
  id: 'slack',
  deliver: async () => {},
  ...fields,
});

describe('extension registries', () => {
  it('keep what modules register, in order', () => {
    const { subscribers } = createExtensionRegistries();
    subscribers.add(
      subscriber({ id: 'slack' }),
      subscriber({ id: 'webhooks.ci', filter: { types: ['alias.moved'] } }),
    );
    expect(subscribers.list().map(s => s.id)).toEqual(['slack', 'webhooks.ci']);
    expect(subscribers.get('webhooks.ci')?.filter).toEqual({
      types: ['alias.moved'],
    });
  });

  it.each([
    [{ id: 'Bad Id' }, /Invalid Model Registry event subscriber "Bad Id"/],
    [{ id: '' }, /Invalid/],
    [{ id: 'x'.repeat(65) }, /Invalid/],
    [{ deliver: undefined }, /event subscriber "slack" has no deliver/],
    [
      { filter: { types: ['alias.renamed' as any] } },
      /"slack" filters on unknown event type "alias.renamed"; known types are model.created, /,
    ],
    [
      { filter: { models: ['Fraud Detector'] } },
      /"slack" filters on an invalid model name/,
    ],
    [
      { retry: { maxAttempts: 0 } },
      /"slack": maxAttempts must be a whole number of at least 1, got 0/,
    ],
    [{ retry: { maxAttempts: 2.5 } }, /maxAttempts/],
    [{ retry: { baseDelayMs: -1 } }, /baseDelayMs must be a number/],
  ])('refuse a malformed subscriber %j', (fields, error) => {
    const { subscribers } = createExtensionRegistries();
    expect(() => subscribers.add(subscriber(fields as any))).toThrow(error);
    expect(subscribers.list()).toEqual([]);
  });

  it('refuse a subscriber id, target kind or source id registered twice', () => {
    const registries = createExtensionRegistries();
    registries.subscribers.add(subscriber());
    expect(() => registries.subscribers.add(subscriber())).toThrow(
      'Model Registry event subscriber "slack" is registered twice; ids must be unique',
    );

    const target = {
      kind: 'kserve',
      deploy: jest.fn(),
      getStatus: jest.fn(),
      rollback: jest.fn(),
    };
    registries.deploymentTargets.add(target);
    expect(() => registries.deploymentTargets.add({ ...target })).toThrow(
      'Model Registry deployment target kind "kserve" is registered twice',
    );
    expect(() =>
      registries.deploymentTargets.add({
        ...target,
        kind: 'k8s',
        rollback: undefined as any,
      }),
    ).toThrow('deployment target kind "k8s" has no rollback');

    const source = {
      id: 'prometheus',
      queryInstant: jest.fn(),
      queryRange: jest.fn(),
    };
    registries.monitoringSources.add(source);
    expect(() => registries.monitoringSources.add(source)).toThrow(
      'Model Registry monitoring source "prometheus" is registered twice',
    );
  });
});
