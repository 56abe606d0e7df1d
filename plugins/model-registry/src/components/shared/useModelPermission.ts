import { ResourcePermission } from '@backstage/plugin-permission-common';
import { usePermission } from '@backstage/plugin-permission-react';

/**
 * Whether the signed-in user may perform a model permission on the named
 * model. False while the decision is loading, so actions appear only once
 * they are known to be allowed.
 */
export function useModelPermission(
  permission: ResourcePermission,
  modelName: string,
): boolean {
  return usePermission({ permission, resourceRef: modelName }).allowed;
}
