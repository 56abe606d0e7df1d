/**
 * The catalog module of the Model Registry: the `Model` kind with its
 * relations, and the entity provider that publishes registry models.
 *
 * @packageDocumentation
 */
export { catalogModuleModelRegistry as default } from './module';
export { ModelEntitiesProcessor } from './ModelEntitiesProcessor';
export { ModelRegistryEntityProvider } from './ModelRegistryEntityProvider';
