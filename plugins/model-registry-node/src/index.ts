/**
 * What Model Registry backend modules build on: extension points, the
 * registry service and the event types.
 *
 * @packageDocumentation
 */
export * from './events';
export * from './subscribers';
export * from './deploymentTargets';
export * from './monitoringSources';
export * from './registryService';
export * from './routing';
export * from './describe';
