/**
 * CI/CD deployments of the Model Registry: GitHub Actions, GitLab and
 * Jenkins pipelines started with the model, version, artifact URI and
 * environment, reporting back to the registry.
 *
 * @packageDocumentation
 */
export { modelRegistryModuleCicd as default } from './module';
