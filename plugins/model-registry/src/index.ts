/**
 * The Model Registry frontend plugin: the Models page and the Model entity
 * tabs. The default export is the plugin for apps on the new frontend
 * system; the named exports serve apps on the legacy one.
 *
 * @packageDocumentation
 */
export { modelRegistryFrontendPlugin as default } from './plugin';
export {
  EntityModelDeploymentsContent,
  EntityModelDriftContent,
  EntityModelHistoryContent,
  EntityModelLineageContent,
  EntityModelOverviewContent,
  EntityModelVersionsContent,
  modelRegistryPlugin,
  ModelsPage,
} from './legacy';
export { modelRegistryApiRef } from './api';
export { isModelEntity } from '@mlreg/plugin-model-registry-common';
