/**
 * OpenLineage ingestion for the Model Registry backend.
 *
 * @packageDocumentation
 */
export { modelRegistryModuleOpenLineage as default } from './module';
