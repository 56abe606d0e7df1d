import { isResourcePermission } from '@backstage/plugin-permission-common';
import {
  deliveryReadPermission,
  deliveryReplayPermission,
  modelCreatePermission,
  modelRegistryPermissions,
  RESOURCE_TYPE_MODEL_REGISTRY_MODEL,
} from './permissions';

describe('permissions', () => {
  it('are all named under the model-registry. prefix, once each', () => {
    const names = modelRegistryPermissions.map(p => p.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^model-registry\./);
  });

  it('tie every permission except creating models and handling deliveries to the model resource type', () => {
    const basic = modelRegistryPermissions.filter(
      p => !isResourcePermission(p, RESOURCE_TYPE_MODEL_REGISTRY_MODEL),
    );
    expect(basic).toEqual([
      modelCreatePermission,
      deliveryReadPermission,
      deliveryReplayPermission,
    ]);
  });
});
