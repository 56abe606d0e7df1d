/**
 * MLflow's model registry REST API for the Model Registry backend.
 *
 * @packageDocumentation
 */
export { modelRegistryModuleMlflow as default } from './module';
