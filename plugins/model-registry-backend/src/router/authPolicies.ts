import { modelRegistryOperations } from '@mlreg/plugin-model-registry-common';

/**
 * The auth policies of the paths that do not need a token, from what the
 * operations declare: health answers anyone, artifact downloads also take
 * Backstage's user cookie; so does the OpenAPI document.
 */
export const AUTH_POLICIES: Array<{
  path: string;
  allow: 'unauthenticated' | 'user-cookie';
}> = [
  { path: '/openapi.json', allow: 'unauthenticated' },
  ...Object.values(modelRegistryOperations).flatMap(operation => {
    if (operation.auth === 'none') {
      return [{ path: operation.path, allow: 'unauthenticated' as const }];
    }
    if (operation.auth === 'user-cookie') {
      return [{ path: operation.path, allow: 'user-cookie' as const }];
    }
    return [];
  }),
];
