/**
 * Scaffolder actions of the Model Registry.
 *
 * @packageDocumentation
 */
export { scaffolderModuleModelRegistry as default } from './module';
export { createModelAction } from './actions/createModel';
