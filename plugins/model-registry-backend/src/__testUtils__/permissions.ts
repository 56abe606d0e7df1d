import { mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { modelReadPermission } from '@mlreg/plugin-model-registry-common';
import {
  createModelConditionalDecision,
  modelConditions,
} from '../permissions/conditions';

/**
 * A permission service under which lists show only the models `owner` owns
 * (a conditional decision the registry turns into SQL), and every other
 * check is decided by `allow` from the permission's name and the model.
 */
export function ownerOnlyPermissions(
  owner: string,
  allow: (permissionName: string, modelName?: string) => boolean,
) {
  const conditional = createModelConditionalDecision(
    modelReadPermission,
    modelConditions.isModelOwner({ claims: [owner] }),
  );
  const permissions = mockServices.permissions.mock({
    authorizeConditional: async requests =>
      requests.map(() => conditional) as any,
    authorize: async requests =>
      requests.map(r => ({
        result: allow(
          r.permission.name,
          'resourceRef' in r ? r.resourceRef : undefined,
        )
          ? AuthorizeResult.ALLOW
          : AuthorizeResult.DENY,
      })),
  });
  return { conditional, factory: permissions.factory };
}
