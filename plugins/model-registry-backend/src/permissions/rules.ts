import {
  createPermissionResourceRef,
  createPermissionRule,
} from '@backstage/plugin-permission-node';
import { PermissionCriteria } from '@backstage/plugin-permission-common';
import {
  Model,
  RESOURCE_TYPE_MODEL_REGISTRY_MODEL,
} from '@mlreg/plugin-model-registry-common';
import { z } from 'zod';

/** A condition on the `models` table that the store turns into SQL. */
export type ModelFilterCondition = {
  property: 'owner' | 'name';
  values: string[];
};

/** A tree of model conditions, as produced by a conditional decision. */
export type ModelFilter = PermissionCriteria<ModelFilterCondition>;

export const modelPermissionResourceRef = createPermissionResourceRef<
  Model,
  ModelFilterCondition
>().with({
  pluginId: 'model-registry',
  resourceType: RESOURCE_TYPE_MODEL_REGISTRY_MODEL,
});

/** Allows models owned by one of the given entity refs (a user and their groups). */
export const isModelOwner = createPermissionRule({
  name: 'IS_MODEL_OWNER',
  description: 'Allow models owned by one of the given users or groups',
  resourceRef: modelPermissionResourceRef,
  paramsSchema: z.object({
    claims: z
      .array(z.string())
      .describe('Entity refs of the user and their groups'),
  }),
  apply: (model, { claims }) => claims.includes(model.owner),
  toQuery: ({ claims }) => ({ property: 'owner', values: claims }),
});

/** Allows the named models only. */
export const hasModelName = createPermissionRule({
  name: 'HAS_MODEL_NAME',
  description: 'Allow the models with one of the given names',
  resourceRef: modelPermissionResourceRef,
  paramsSchema: z.object({
    names: z.array(z.string()).describe('Model names'),
  }),
  apply: (model, { names }) => names.includes(model.name),
  toQuery: ({ names }) => ({ property: 'name', values: names }),
});

export const modelPermissionRules = [isModelOwner, hasModelName];
