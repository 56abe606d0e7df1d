/**
 * The search module of the Model Registry: the catalog collator indexes
 * `Model` entities with their framework and tags.
 *
 * @packageDocumentation
 */
export { searchModuleModelRegistry as default } from './module';
export { modelEntityTransformer } from './modelEntityTransformer';
