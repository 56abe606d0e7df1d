import { RootConfigService } from '@backstage/backend-plugin-api';
import { RUNTIMES, ServingRuntime } from './promql';

/** `modelRegistry.prometheus`, validated. */
export interface PrometheusSettings {
  metricsPath: string;
  metricsUnauthenticated: boolean;
  maxSeries: number;
  url?: string;
  headers: Record<string, string>;
  runtime: ServingRuntime;
  alertmanagerToken?: string;
}

/** Reads `modelRegistry.prometheus`; a bad value stops the backend with a clear message. */
export function readPrometheusConfig(
  config: RootConfigService,
): PrometheusSettings {
  const c = config.getOptionalConfig('modelRegistry.prometheus');
  const metricsPath = c?.getOptionalString('metrics.path') ?? '/metrics';
  if (!/^\/[A-Za-z0-9/_-]*$/.test(metricsPath)) {
    throw new Error(
      `modelRegistry.prometheus.metrics.path must start with / and hold only letters, digits, /, _ and -, not "${metricsPath}"`,
    );
  }
  const maxSeries = c?.getOptionalNumber('metrics.maxDriftSeries') ?? 10_000;
  if (!Number.isInteger(maxSeries) || maxSeries < 1) {
    throw new Error(
      'modelRegistry.prometheus.metrics.maxDriftSeries must be a positive integer',
    );
  }
  const url = c?.getOptionalString('url');
  if (url !== undefined && !/^https?:\/\/[^\s]+$/.test(url)) {
    throw new Error(
      `modelRegistry.prometheus.url must be an http(s) URL, not "${url}"`,
    );
  }
  const runtime = (c?.getOptionalString('runtime') ??
    'generic') as ServingRuntime;
  if (!RUNTIMES.includes(runtime)) {
    throw new Error(
      `modelRegistry.prometheus.runtime must be one of ${RUNTIMES.join(
        ', ',
      )}, not "${runtime}"`,
    );
  }
  const bearer = c?.getOptionalString('bearerToken');
  const alertmanagerToken = c?.getOptionalString('alertmanager.token');
  if (alertmanagerToken !== undefined && alertmanagerToken.length < 16) {
    throw new Error(
      'modelRegistry.prometheus.alertmanager.token must have at least 16 characters',
    );
  }
  return {
    metricsPath,
    metricsUnauthenticated:
      c?.getOptionalBoolean('metrics.unauthenticated') ?? false,
    maxSeries,
    url,
    headers: bearer ? { Authorization: `Bearer ${bearer}` } : {},
    runtime,
    alertmanagerToken,
  };
}
