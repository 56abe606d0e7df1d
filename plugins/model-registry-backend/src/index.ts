/**
 * The Model Registry backend plugin.
 *
 * @packageDocumentation
 */
export { modelRegistryPlugin as default } from './plugin';
export {
  modelConditions,
  createModelConditionalDecision,
} from './permissions/conditions';
export {
  modelPermissionResourceRef,
  isModelOwner,
  hasModelName,
} from './permissions/rules';
export type { ModelFilter, ModelFilterCondition } from './permissions/rules';
