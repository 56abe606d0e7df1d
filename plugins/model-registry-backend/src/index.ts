/**
 * The Model Registry backend plugin.
 *
 * @packageDocumentation
 */
export { modelRegistryPlugin as default } from './plugin';
