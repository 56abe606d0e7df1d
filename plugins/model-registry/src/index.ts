/**
 * The Model Registry frontend plugin.
 *
 * @packageDocumentation
 */
export { modelRegistryPlugin as default } from './plugin';
export { modelRegistryApiRef } from './api';
