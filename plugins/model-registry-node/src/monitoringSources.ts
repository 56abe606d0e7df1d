import { createExtensionPoint } from '@backstage/backend-plugin-api';
import { ModelDeploymentEnvironment } from './deploymentTargets';

/**
 * What a metric query is about: a model, optionally one of its versions, in
 * one environment.
 *
 * @public
 */
export interface ModelMetricScope {
  model: string;
  version?: number;
  environment: ModelDeploymentEnvironment;
}

/**
 * One value of a series at one time.
 *
 * @public
 */
export interface ModelMetricSample {
  /** The series' labels, e.g. `{ quantile: '0.99' }`. */
  labels: Record<string, string>;
  /** ISO 8601. */
  timestamp: string;
  value: number;
}

/**
 * A series of values over a time range, oldest first.
 *
 * @public
 */
export interface ModelMetricSeries {
  labels: Record<string, string>;
  points: Array<{ timestamp: string; value: number }>;
}

/**
 * Answers metric queries about deployed models, e.g. from Prometheus.
 *
 * `query` is in the source's own language (PromQL for Prometheus); the
 * source confines it to the scope's model, version and environment, e.g. by
 * adding label matchers, so a caller never reads another model's data.
 *
 * @public
 */
export interface ModelMonitoringSource {
  /** Stable id: lowercase letters, digits and `-`, e.g. `prometheus`. */
  id: string;
  /** The value of each matching series at `at` (default: now). */
  queryInstant(request: {
    scope: ModelMetricScope;
    query: string;
    at?: Date;
  }): Promise<ModelMetricSample[]>;
  /** The values of each matching series from `start` to `end`, every `stepSeconds`. */
  queryRange(request: {
    scope: ModelMetricScope;
    query: string;
    start: Date;
    end: Date;
    stepSeconds: number;
  }): Promise<ModelMetricSeries[]>;
}

/**
 * Lets modules add monitoring sources.
 *
 * @public
 */
export interface ModelRegistryMonitoringSourcesExtensionPoint {
  /** Adds sources; an id registered twice stops the backend from starting. */
  addMonitoringSource(...sources: ModelMonitoringSource[]): void;
}

/**
 * Extension point for monitoring sources that serving metrics are read
 * from.
 *
 * @public
 */
export const modelRegistryMonitoringSourcesExtensionPoint =
  createExtensionPoint<ModelRegistryMonitoringSourcesExtensionPoint>({
    id: 'model-registry.monitoring-sources',
  });
