/**
 * Prometheus for the Model Registry: backend metrics, a PromQL monitoring
 * source with query templates, and an Alertmanager webhook receiver.
 *
 * @packageDocumentation
 */
export { modelRegistryModulePrometheus as default } from './module';
export { PrometheusClient, QUERY_TEMPLATES, scopedQuery } from './promql';
export type { ServingRuntime } from './promql';
