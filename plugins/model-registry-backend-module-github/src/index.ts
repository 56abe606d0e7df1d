/**
 * GitHub webhooks in: signed `release`, `push` and `workflow_run`
 * deliveries register Model Registry versions with their lineage.
 *
 * @packageDocumentation
 */
export { modelRegistryModuleGithub as default } from './module';
