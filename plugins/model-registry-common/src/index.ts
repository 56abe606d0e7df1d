/**
 * The API contract shared by the Model Registry packages: schemas, types,
 * operations and the typed client; permissions; the `Model` entity.
 *
 * @packageDocumentation
 */
export * from './permissions';
export * from './types';
export * from './validation';
export * from './api';
export * from './entity';
export * as modelRegistrySchemas from './schema';
