/**
 * The Model Registry backend: the registry plugin and its catalog module.
 *
 * @packageDocumentation
 */
import { createBackendFeatureLoader } from '@backstage/backend-plugin-api';
import { catalogModuleModelRegistry } from './catalog/module';
import { modelRegistryPlugin } from './plugin';

/**
 * The registry plugin together with its catalog module (the `Model` kind and
 * the entity provider): `backend.add(import('@mlreg/plugin-model-registry-backend'))`.
 */
export default createBackendFeatureLoader({
  *loader() {
    yield modelRegistryPlugin;
    yield catalogModuleModelRegistry;
  },
});

export { modelRegistryPlugin, catalogModuleModelRegistry };
export { searchModuleModelRegistry } from './search/module';
export { modelEntityTransformer } from './search/modelEntityTransformer';
export { MODEL_REGISTRY_EVENTS_TOPIC } from './outbox/EventsPublisher';
export type { OutboxEvent } from './database/OutboxStore';
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
