/**
 * Backstage notifications about Model Registry events, sent to the owners of
 * each model.
 *
 * @packageDocumentation
 */
export { modelRegistryModuleNotifications as default } from './module';
export { NOTIFIED_EVENT_TYPES } from './notification';
