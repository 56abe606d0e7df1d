import { createConditionExports } from '@backstage/plugin-permission-node';
import {
  hasModelName,
  isModelOwner,
  modelPermissionResourceRef,
} from './rules';

/**
 * Conditions for permission policies, e.g.
 * `createModelConditionalDecision(permission, modelConditions.isModelOwner({ claims }))`.
 */
export const {
  conditions: modelConditions,
  createConditionalDecision: createModelConditionalDecision,
} = createConditionExports({
  resourceRef: modelPermissionResourceRef,
  rules: { isModelOwner, hasModelName },
});
