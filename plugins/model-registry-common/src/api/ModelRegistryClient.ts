import { ResponseError } from '@backstage/errors';
import {
  AuditQuery,
  AuditRecord,
  CreateModelRequest,
  Deployment,
  DriftReport,
  HealthStatus,
  Kpi,
  LineageGraph,
  ListDeploymentsQuery,
  ListDriftReportsQuery,
  ListModelsQuery,
  ListVersionsQuery,
  MetricTrendPoint,
  Model,
  ModelAlias,
  ModelVersion,
  Page,
  PortfolioSummary,
  ReferenceProfile,
  RegisterVersionRequest,
  SetKpiRequest,
  UpdateModelRequest,
  VersionComparison,
} from '../types';

/** The subset of Backstage's DiscoveryApi / DiscoveryService the client needs. */
export interface ModelRegistryDiscovery {
  getBaseUrl(pluginId: string): Promise<string>;
}

/** Options of a single client call. */
export interface ModelRegistryRequestOptions {
  /** A Backstage token; the frontend's fetchApi adds one by itself. */
  token?: string;
}

type Options = ModelRegistryRequestOptions;

/** The Model Registry REST API, as one typed interface. */
export interface ModelRegistryApi {
  getHealth(): Promise<HealthStatus>;
  listModels(query?: ListModelsQuery, options?: Options): Promise<Page<Model>>;
  getModel(name: string, options?: Options): Promise<Model>;
  createModel(request: CreateModelRequest, options?: Options): Promise<Model>;
  updateModel(
    name: string,
    changes: UpdateModelRequest,
    options?: Options,
  ): Promise<Model>;
  archiveModel(name: string, options?: Options): Promise<Model>;
  restoreModel(name: string, options?: Options): Promise<Model>;
  deleteModel(name: string, options?: Options): Promise<void>;
  listVersions(
    query: ListVersionsQuery,
    options?: Options,
  ): Promise<Page<ModelVersion>>;
  getVersion(
    model: string,
    version: number,
    options?: Options,
  ): Promise<ModelVersion>;
  registerVersion(
    model: string,
    request: RegisterVersionRequest,
    options?: Options,
  ): Promise<ModelVersion>;
  updateVersion(
    model: string,
    version: number,
    changes: {
      description?: string;
      tags?: string[];
      annotations?: Record<string, string>;
    },
    options?: Options,
  ): Promise<ModelVersion>;
  failVersion(
    model: string,
    version: number,
    reason: string,
    options?: Options,
  ): Promise<ModelVersion>;
  /** URL of a version's artifact, for links and downloads. */
  getArtifactUrl(model: string, version: number): Promise<string>;
  compareVersions(
    model: string,
    versions: number[],
    options?: Options,
  ): Promise<VersionComparison>;
  getMetricTrend(
    model: string,
    key: string,
    options?: Options,
  ): Promise<MetricTrendPoint[]>;
  listAliases(model: string, options?: Options): Promise<ModelAlias[]>;
  getVersionByAlias(
    model: string,
    alias: string,
    options?: Options,
  ): Promise<ModelVersion>;
  setAlias(
    model: string,
    alias: string,
    version: number,
    options?: Options,
  ): Promise<ModelAlias>;
  deleteAlias(model: string, alias: string, options?: Options): Promise<void>;
  listKpis(model: string, options?: Options): Promise<Kpi[]>;
  setKpi(
    model: string,
    name: string,
    request: SetKpiRequest,
    options?: Options,
  ): Promise<Kpi>;
  getKpiHistory(model: string, name: string, options?: Options): Promise<Kpi[]>;
  getLineage(model: string, options?: Options): Promise<LineageGraph>;
  listAuditRecords(
    model: string,
    query?: AuditQuery,
    options?: Options,
  ): Promise<Page<AuditRecord>>;
  /** Deployments of a model, newest first. */
  listDeployments(
    model: string,
    query?: ListDeploymentsQuery,
    options?: Options,
  ): Promise<Page<Deployment>>;
  /** Drift reports of a model, newest window first. */
  listDriftReports(
    model: string,
    query?: ListDriftReportsQuery,
    options?: Options,
  ): Promise<Page<DriftReport>>;
  /** The reference profile of a version; a 404 error when it has none. */
  getReferenceProfile(
    model: string,
    version: number,
    options?: Options,
  ): Promise<ReferenceProfile>;
  /** Portfolio figures over the models the caller may read. */
  getPortfolioSummary(options?: Options): Promise<PortfolioSummary>;
}

const e = encodeURIComponent;

function queryString(query: object): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) {
      params.append(key, String(item));
    }
  }
  const qs = params.toString();
  return qs ? `?${qs}` : '';
}

/**
 * A client of the Model Registry REST API, usable in the browser (with the
 * frontend's fetchApi) and in backends (with a service token).
 */
export class ModelRegistryClient implements ModelRegistryApi {
  private readonly discovery: ModelRegistryDiscovery;
  private readonly fetchFn: typeof fetch;

  constructor(options: {
    discoveryApi: ModelRegistryDiscovery;
    fetchApi?: { fetch: typeof fetch };
  }) {
    this.discovery = options.discoveryApi;
    this.fetchFn = options.fetchApi?.fetch ?? fetch;
  }

  getHealth(): Promise<HealthStatus> {
    return this.request('GET', '/health');
  }

  listModels(query: ListModelsQuery = {}, options?: Options) {
    return this.request<Page<Model>>(
      'GET',
      `/models${queryString(query)}`,
      options,
    );
  }

  getModel(name: string, options?: Options) {
    return this.request<Model>('GET', `/models/${e(name)}`, options);
  }

  createModel(request: CreateModelRequest, options?: Options) {
    return this.request<Model>('POST', '/models', options, request);
  }

  updateModel(name: string, changes: UpdateModelRequest, options?: Options) {
    return this.request<Model>('PATCH', `/models/${e(name)}`, options, changes);
  }

  archiveModel(name: string, options?: Options) {
    return this.request<Model>('POST', `/models/${e(name)}/archive`, options);
  }

  restoreModel(name: string, options?: Options) {
    return this.request<Model>('POST', `/models/${e(name)}/restore`, options);
  }

  deleteModel(name: string, options?: Options) {
    return this.request<void>('DELETE', `/models/${e(name)}`, options);
  }

  listVersions(query: ListVersionsQuery, options?: Options) {
    const { model, ...rest } = query;
    const path = model
      ? `/models/${e(model)}/versions${queryString(rest)}`
      : `/versions${queryString(rest)}`;
    return this.request<Page<ModelVersion>>('GET', path, options);
  }

  getVersion(model: string, version: number, options?: Options) {
    return this.request<ModelVersion>(
      'GET',
      `/models/${e(model)}/versions/${version}`,
      options,
    );
  }

  registerVersion(
    model: string,
    request: RegisterVersionRequest,
    options?: Options,
  ) {
    return this.request<ModelVersion>(
      'POST',
      `/models/${e(model)}/versions`,
      options,
      request,
    );
  }

  updateVersion(
    model: string,
    version: number,
    changes: {
      description?: string;
      tags?: string[];
      annotations?: Record<string, string>;
    },
    options?: Options,
  ) {
    return this.request<ModelVersion>(
      'PATCH',
      `/models/${e(model)}/versions/${version}`,
      options,
      changes,
    );
  }

  failVersion(
    model: string,
    version: number,
    reason: string,
    options?: Options,
  ) {
    return this.request<ModelVersion>(
      'POST',
      `/models/${e(model)}/versions/${version}/fail`,
      options,
      { reason },
    );
  }

  async getArtifactUrl(model: string, version: number): Promise<string> {
    const baseUrl = await this.discovery.getBaseUrl('model-registry');
    return `${baseUrl}/models/${e(model)}/versions/${version}/artifact`;
  }

  compareVersions(model: string, versions: number[], options?: Options) {
    return this.request<VersionComparison>(
      'GET',
      `/models/${e(model)}/compare?versions=${versions.join(',')}`,
      options,
    );
  }

  async getMetricTrend(model: string, key: string, options?: Options) {
    const { items } = await this.request<{ items: MetricTrendPoint[] }>(
      'GET',
      `/models/${e(model)}/metrics/${e(key)}/trend`,
      options,
    );
    return items;
  }

  async listAliases(model: string, options?: Options) {
    const { items } = await this.request<{ items: ModelAlias[] }>(
      'GET',
      `/models/${e(model)}/aliases`,
      options,
    );
    return items;
  }

  getVersionByAlias(model: string, alias: string, options?: Options) {
    return this.request<ModelVersion>(
      'GET',
      `/models/${e(model)}/aliases/${e(alias)}`,
      options,
    );
  }

  setAlias(model: string, alias: string, version: number, options?: Options) {
    return this.request<ModelAlias>(
      'PUT',
      `/models/${e(model)}/aliases/${e(alias)}`,
      options,
      {
        version,
      },
    );
  }

  deleteAlias(model: string, alias: string, options?: Options) {
    return this.request<void>(
      'DELETE',
      `/models/${e(model)}/aliases/${e(alias)}`,
      options,
    );
  }

  async listKpis(model: string, options?: Options) {
    const { items } = await this.request<{ items: Kpi[] }>(
      'GET',
      `/models/${e(model)}/kpis`,
      options,
    );
    return items;
  }

  setKpi(
    model: string,
    name: string,
    request: SetKpiRequest,
    options?: Options,
  ) {
    return this.request<Kpi>(
      'PUT',
      `/models/${e(model)}/kpis/${e(name)}`,
      options,
      request,
    );
  }

  async getKpiHistory(model: string, name: string, options?: Options) {
    const { items } = await this.request<{ items: Kpi[] }>(
      'GET',
      `/models/${e(model)}/kpis/${e(name)}/history`,
      options,
    );
    return items;
  }

  getLineage(model: string, options?: Options) {
    return this.request<LineageGraph>(
      'GET',
      `/models/${e(model)}/lineage`,
      options,
    );
  }

  listAuditRecords(model: string, query: AuditQuery = {}, options?: Options) {
    return this.request<Page<AuditRecord>>(
      'GET',
      `/models/${e(model)}/audit${queryString(query)}`,
      options,
    );
  }

  listDeployments(
    model: string,
    query: ListDeploymentsQuery = {},
    options?: Options,
  ) {
    return this.request<Page<Deployment>>(
      'GET',
      `/models/${e(model)}/deployments${queryString(query)}`,
      options,
    );
  }

  listDriftReports(
    model: string,
    query: ListDriftReportsQuery = {},
    options?: Options,
  ) {
    return this.request<Page<DriftReport>>(
      'GET',
      `/models/${e(model)}/drift/reports${queryString(query)}`,
      options,
    );
  }

  getReferenceProfile(model: string, version: number, options?: Options) {
    return this.request<ReferenceProfile>(
      'GET',
      `/models/${e(model)}/versions/${version}/reference-profile`,
      options,
    );
  }

  getPortfolioSummary(options?: Options) {
    return this.request<PortfolioSummary>('GET', '/summary', options);
  }

  private async request<T>(
    method: string,
    path: string,
    options?: Options,
    body?: unknown,
  ): Promise<T> {
    const baseUrl = await this.discovery.getBaseUrl('model-registry');
    const headers: Record<string, string> = {};
    if (options?.token) headers.Authorization = `Bearer ${options.token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await this.fetchFn(`${baseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }
}
