import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  AuthorizeResult,
  BasicPermission,
  isResourcePermission,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  ConditionTransformer,
  createConditionTransformer,
} from '@backstage/plugin-permission-node';
import {
  modelReadPermission,
  modelRegistryPermissions,
  OperationDefinition,
} from '@mlreg/plugin-model-registry-common';
import express from 'express';
import {
  ModelFilter,
  ModelFilterCondition,
  modelPermissionRules,
} from '../permissions/rules';
import { Actor } from '../service/Actor';

const transformModelConditions: ConditionTransformer<ModelFilterCondition> =
  createConditionTransformer(modelPermissionRules);

const permissionsByName = new Map(
  modelRegistryPermissions.map(p => [p.name, p]),
);

/** Permission checks of the REST API, on behalf of the caller. */
export class RegistryAuthorization {
  constructor(private readonly permissions: PermissionsService) {}

  /**
   * Checks the permissions an operation declares: a basic permission as it
   * is, a model permission on the model named in the path. A model
   * permission of an operation without a model in its path (a list) is left
   * to the handler, which filters by {@link RegistryAuthorization.readFilter}.
   */
  async authorizeOperation(
    operation: OperationDefinition,
    params: { name?: string },
    credentials: BackstageCredentials,
  ): Promise<void> {
    for (const name of operation.permissions) {
      const permission = permissionsByName.get(name);
      if (!permission) {
        throw new Error(`operation declares unknown permission ${name}`);
      }
      if (!isResourcePermission(permission)) {
        await this.authorizeBasic(credentials, permission);
      } else if (params.name !== undefined) {
        await this.authorizeModel(credentials, permission, params.name);
      }
    }
  }

  /**
   * Checks a permission on a model. A model the caller may not read looks
   * exactly like a missing one (404); a readable one answers 403.
   */
  async authorizeModel(
    credentials: BackstageCredentials,
    permission: ResourcePermission,
    modelName: string,
  ): Promise<void> {
    if (!(await this.allows(credentials, modelReadPermission, modelName))) {
      throw new NotFoundError(`model "${modelName}" not found`);
    }
    if (
      permission.name !== modelReadPermission.name &&
      !(await this.allows(credentials, permission, modelName))
    ) {
      throw new NotAllowedError(
        `not allowed: ${permission.name} on model "${modelName}"`,
      );
    }
  }

  /** Checks a permission that is not about one model. */
  async authorizeBasic(
    credentials: BackstageCredentials,
    permission: BasicPermission,
  ): Promise<void> {
    const [decision] = await this.permissions.authorize([{ permission }], {
      credentials,
    });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`not allowed: ${permission.name}`);
    }
  }

  /** The SQL filter of readable models: undefined = all, null = none. */
  async readFilter(
    credentials: BackstageCredentials,
  ): Promise<ModelFilter | undefined | null> {
    const [decision] = await this.permissions.authorizeConditional(
      [{ permission: modelReadPermission }],
      { credentials },
    );
    if (decision.result === AuthorizeResult.CONDITIONAL) {
      return transformModelConditions(decision.conditions);
    }
    return decision.result === AuthorizeResult.ALLOW ? undefined : null;
  }

  private async allows(
    credentials: BackstageCredentials,
    permission: ResourcePermission,
    modelName: string,
  ): Promise<boolean> {
    const [decision] = await this.permissions.authorize(
      [{ permission, resourceRef: modelName }],
      { credentials },
    );
    return decision.result === AuthorizeResult.ALLOW;
  }
}

/** The entity ref of a user, or `<type>:<subject>` for anything else. */
function actorRef(credentials: BackstageCredentials): string {
  const principal = credentials.principal as {
    type: string;
    userEntityRef?: string;
    subject?: string;
  };
  if (principal.type === 'user' && principal.userEntityRef) {
    return principal.userEntityRef;
  }
  return `${principal.type}:${principal.subject ?? 'unknown'}`;
}

/** Who makes a change, for its audit record. */
export function actorOf(
  credentials: BackstageCredentials,
  req: express.Request,
): Actor {
  return {
    ref: actorRef(credentials),
    requestId: req.get('x-request-id')?.slice(0, 64),
  };
}
