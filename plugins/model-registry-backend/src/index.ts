/**
 * The Model Registry backend plugin: the REST API under
 * `/api/model-registry`, its database, artifact stores and permissions.
 *
 * @packageDocumentation
 */
export { modelRegistryPlugin as default, modelRegistryPlugin } from './plugin';
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
