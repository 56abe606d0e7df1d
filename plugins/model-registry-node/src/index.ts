/**
 * What Model Registry backend modules build on: extension points, the
 * registry service and the event types.
 *
 * @packageDocumentation
 */
export * from './events';
