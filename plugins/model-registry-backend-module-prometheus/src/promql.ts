import { InputError } from '@backstage/errors';
import {
  ModelMetricSample,
  ModelMetricScope,
  ModelMetricSeries,
  ModelMonitoringSource,
} from '@mlreg/plugin-model-registry-node';

/** Serving runtimes the query templates know. */
export const RUNTIMES = ['kserve', 'seldon', 'mlserver', 'generic'] as const;
export type ServingRuntime = (typeof RUNTIMES)[number];

/**
 * PromQL per runtime, with `$model`, `$version`, `$namespace` and
 * `$environment` placeholders. Metric names: KServe's model server
 * histograms (`request_predict_seconds`, label `model_name`), Seldon Core
 * 2 (`seldon_model_infer_api_seconds`, `seldon_model_infer_total`), MLServer
 * (`rest_server_requests_duration_seconds`, `model_infer_request_*`), and
 * generic `http_request_duration_seconds` / `http_requests_total` with a
 * `model` label. The registry's own drift gauges work with every runtime.
 */
export const QUERY_TEMPLATES: Record<ServingRuntime, Record<string, string>> = {
  kserve: {
    latencyP99:
      'histogram_quantile(0.99, sum by (le) (rate(request_predict_seconds_bucket{model_name="$model",namespace="$namespace"}[5m])))',
    requestRate:
      'sum(rate(request_predict_seconds_count{model_name="$model",namespace="$namespace"}[5m]))',
  },
  seldon: {
    latencyP99:
      'histogram_quantile(0.99, sum by (le) (rate(seldon_model_infer_api_seconds_bucket{model="$model",namespace="$namespace"}[5m])))',
    requestRate:
      'sum(rate(seldon_model_infer_total{model="$model",namespace="$namespace"}[5m]))',
    errorRate:
      'sum(rate(seldon_model_infer_total{model="$model",namespace="$namespace",code!~"2.."}[5m])) / sum(rate(seldon_model_infer_total{model="$model",namespace="$namespace"}[5m]))',
  },
  mlserver: {
    latencyP99:
      'histogram_quantile(0.99, sum by (le) (rate(rest_server_requests_duration_seconds_bucket{model_name="$model",namespace="$namespace"}[5m])))',
    requestRate:
      'sum(rate(model_infer_request_success{model_name="$model",namespace="$namespace"}[5m]))',
    errorRate:
      'sum(rate(model_infer_request_failure{model_name="$model",namespace="$namespace"}[5m])) / (sum(rate(model_infer_request_success{model_name="$model",namespace="$namespace"}[5m])) + sum(rate(model_infer_request_failure{model_name="$model",namespace="$namespace"}[5m])))',
  },
  generic: {
    latencyP99:
      'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{model="$model",environment="$environment"}[5m])))',
    requestRate:
      'sum(rate(http_requests_total{model="$model",environment="$environment"}[5m]))',
    errorRate:
      'sum(rate(http_requests_total{model="$model",environment="$environment",code=~"5.."}[5m])) / sum(rate(http_requests_total{model="$model",environment="$environment"}[5m]))',
  },
};

/** Query templates every runtime has: the registry's own gauges. */
const REGISTRY_TEMPLATES: Record<string, string> = {
  datasetDrift:
    'mlreg_dataset_drift{model="$model",environment="$environment"}',
  featureDrift:
    'mlreg_feature_drift_score{model="$model",environment="$environment"}',
};

/** A label value inside a PromQL double-quoted string. */
function quote(value: string): string {
  return value.replace(/[\\"\n]/g, c => (c === '\n' ? '\\n' : `\\${c}`));
}

/**
 * The PromQL of a query for a scope: `template:<name>` names a template of
 * the runtime, anything else is PromQL with placeholders. A query without
 * `$model` is refused, so no caller reads another model's series.
 */
export function scopedQuery(
  runtime: ServingRuntime,
  query: string,
  scope: ModelMetricScope,
): string {
  let promql = query;
  if (query.startsWith('template:')) {
    const name = query.slice('template:'.length);
    const template = REGISTRY_TEMPLATES[name] ?? QUERY_TEMPLATES[runtime][name];
    if (!template) {
      throw new InputError(
        `no query template "${name}" for ${runtime}; known: ${[
          ...Object.keys(QUERY_TEMPLATES[runtime]),
          ...Object.keys(REGISTRY_TEMPLATES),
        ].join(', ')}`,
      );
    }
    promql = template;
  }
  if (!promql.includes('$model')) {
    throw new InputError('a query must select the model with $model');
  }
  return promql
    .replaceAll('$model', quote(scope.model))
    .replaceAll('$version', quote(String(scope.version ?? '')))
    .replaceAll('$namespace', quote(scope.environment.namespace))
    .replaceAll('$environment', quote(scope.environment.name));
}

type PromResult =
  | {
      resultType: 'vector';
      result: Array<{
        metric: Record<string, string>;
        value: [number, string];
      }>;
    }
  | {
      resultType: 'matrix';
      result: Array<{
        metric: Record<string, string>;
        values: Array<[number, string]>;
      }>;
    };

/** A client of Prometheus' HTTP API (`/api/v1/query`, `/api/v1/query_range`). */
export class PrometheusClient {
  constructor(
    private readonly baseUrl: string,
    private readonly headers: Record<string, string> = {},
  ) {}

  private async get(
    path: string,
    params: Record<string, string>,
  ): Promise<PromResult> {
    const url = new URL(`${this.baseUrl.replace(/\/$/, '')}${path}`);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    const response = await fetch(url, { headers: this.headers });
    const body = (await response.json().catch(() => undefined)) as
      | { status: string; data?: PromResult; error?: string }
      | undefined;
    if (!response.ok || body?.status !== 'success' || !body.data) {
      throw new Error(
        `Prometheus answered ${response.status} to ${path}: ${
          body?.error ?? 'no result'
        }`,
      );
    }
    return body.data;
  }

  async query(promql: string, at?: Date): Promise<ModelMetricSample[]> {
    const data = await this.get('/api/v1/query', {
      query: promql,
      ...(at && { time: String(at.getTime() / 1000) }),
    });
    if (data.resultType !== 'vector') return [];
    return data.result.map(r => ({
      labels: r.metric,
      timestamp: new Date(r.value[0] * 1000).toISOString(),
      value: Number(r.value[1]),
    }));
  }

  async queryRange(
    promql: string,
    start: Date,
    end: Date,
    stepSeconds: number,
  ): Promise<ModelMetricSeries[]> {
    const data = await this.get('/api/v1/query_range', {
      query: promql,
      start: String(start.getTime() / 1000),
      end: String(end.getTime() / 1000),
      step: String(stepSeconds),
    });
    if (data.resultType !== 'matrix') return [];
    return data.result.map(r => ({
      labels: r.metric,
      points: r.values.map(([t, v]) => ({
        timestamp: new Date(t * 1000).toISOString(),
        value: Number(v),
      })),
    }));
  }
}

/** Prometheus as the registry's monitoring source. */
export function prometheusMonitoringSource(
  client: PrometheusClient,
  runtime: ServingRuntime,
): ModelMonitoringSource {
  return {
    id: 'prometheus',
    queryInstant: ({ scope, query, at }) =>
      client.query(scopedQuery(runtime, query, scope), at),
    queryRange: ({ scope, query, start, end, stepSeconds }) =>
      client.queryRange(
        scopedQuery(runtime, query, scope),
        start,
        end,
        stepSeconds,
      ),
  };
}
