import {
  modelRegistryOperations,
  OperationDefinition,
} from '@mlreg/plugin-model-registry-common';

type AuthPolicy = { path: string; allow: 'unauthenticated' | 'user-cookie' };

const operations: OperationDefinition[] = Object.values(
  modelRegistryOperations,
);

/**
 * The auth policies of the paths that do not need a token, from what the
 * operations declare: health answers anyone, artifact downloads also take
 * Backstage's user cookie; so does the OpenAPI document.
 */
export const AUTH_POLICIES: AuthPolicy[] = [
  { path: '/openapi.json', allow: 'unauthenticated' },
  ...operations.flatMap((operation): AuthPolicy[] => {
    if (operation.auth === 'none') {
      return [{ path: operation.path, allow: 'unauthenticated' }];
    }
    if (operation.auth === 'user-cookie') {
      return [{ path: operation.path, allow: 'user-cookie' }];
    }
    return [];
  }),
];
