import { createExtensionRegistries } from '../extensions/ExtensionRegistry';
import { IntegrationsService } from './IntegrationsService';

describe('IntegrationsService', () => {
  it('lists subscribers with their filters, target kinds and source ids', () => {
    const registries = createExtensionRegistries();
    registries.subscribers.add(
      { id: 'events-service', deliver: async () => {} },
      {
        id: 'slack',
        filter: { types: ['alias.moved'], models: ['fraud-detector'] },
        retry: { maxAttempts: 3 },
        deliver: async () => {},
      },
    );
    registries.deploymentTargets.add({
      kind: 'kserve',
      deploy: jest.fn(),
      getStatus: jest.fn(),
      rollback: jest.fn(),
    });
    registries.monitoringSources.add({
      id: 'prometheus',
      queryInstant: jest.fn(),
      queryRange: jest.fn(),
    });

    const installed = new IntegrationsService(registries).getInstalled();
    expect(installed).toEqual({
      subscribers: [
        { id: 'events-service' },
        {
          id: 'slack',
          filter: { types: ['alias.moved'], models: ['fraud-detector'] },
        },
      ],
      deploymentTargets: [{ kind: 'kserve' }],
      monitoringSources: [{ id: 'prometheus' }],
    });
    // plain JSON: survives a round trip unchanged
    expect(JSON.parse(JSON.stringify(installed))).toEqual(installed);
  });
});
