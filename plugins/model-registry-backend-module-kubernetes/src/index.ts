/**
 * Kubernetes deployer of the Model Registry: KServe InferenceServices or
 * Deployments with a Service, applied with server-side apply and followed
 * through the API server's watch.
 *
 * @packageDocumentation
 */
export { modelRegistryModuleKubernetes as default } from './module';
