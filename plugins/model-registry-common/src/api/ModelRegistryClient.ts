import { ResponseError } from '@backstage/errors';
import {
  ModelRegistryOperationId,
  modelRegistryOperations,
  OperationResponse,
} from './operations';
import {
  AuditQuery,
  AuditRecord,
  BinnedFeature,
  CreateDeploymentRequest,
  CreateModelRequest,
  Delivery,
  Deployment,
  DeploymentStatusReport,
  DriftBatch,
  DriftCheckRequest,
  DriftCheckResult,
  DriftReport,
  FeatureProfile,
  HealthStatus,
  InstalledIntegrations,
  Kpi,
  LineageGraph,
  LineageQuery,
  ListDeliveriesQuery,
  ListDeploymentsQuery,
  ListDriftReportsQuery,
  ListModelsQuery,
  ListVersionsQuery,
  MetricTrend,
  MetricTrendQuery,
  Model,
  ModelAlias,
  ModelEnvironment,
  ModelVersion,
  MonitorEventRequest,
  Page,
  PortfolioSummary,
  CycloneDxBom,
  RecordVersionRunRequest,
  ReferenceProfile,
  RegisterVersionRequest,
  RegisterVersionsRequest,
  SetKpiRequest,
  SubscriberSummary,
  VersionRun,
  UpdateModelRequest,
  UpdateVersionRequest,
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

/**
 * The bytes of an artifact: anything `fetch` sends, or a stream (a web
 * `ReadableStream`, or any async iterable of chunks such as a Node.js
 * `Readable` from `fs.createReadStream`), sent without buffering it.
 */
export type ArtifactBody =
  | Blob
  | ArrayBuffer
  | Uint8Array
  | string
  | ReadableStream<Uint8Array>
  | AsyncIterable<Uint8Array>;

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
  /** Renames a model; its versions, aliases and audit trail follow it. */
  renameModel(name: string, newName: string, options?: Options): Promise<Model>;
  archiveModel(name: string, options?: Options): Promise<Model>;
  restoreModel(name: string, options?: Options): Promise<Model>;
  deleteModel(name: string, options?: Options): Promise<void>;
  listVersions(
    query: ListVersionsQuery,
    options?: Options,
  ): Promise<Page<ModelVersion>>;
  /**
   * Registers versions of one or more models in one request, all or none;
   * the answer lists them in the order of the request.
   */
  registerVersions(
    request: RegisterVersionsRequest,
    options?: Options,
  ): Promise<ModelVersion[]>;
  getVersion(
    model: string,
    version: number,
    options?: Options,
  ): Promise<ModelVersion>;
  /** A version as a CycloneDX 1.6 ML-BOM. */
  exportVersionCycloneDx(
    model: string,
    version: number,
    options?: Options,
  ): Promise<CycloneDxBom>;
  /** Records a run that produced a version, merged with earlier reports. */
  recordVersionRun(
    model: string,
    version: number,
    request: RecordVersionRunRequest,
    options?: Options,
  ): Promise<VersionRun>;
  registerVersion(
    model: string,
    request: RegisterVersionRequest,
    options?: Options,
  ): Promise<ModelVersion>;
  updateVersion(
    model: string,
    version: number,
    changes: UpdateVersionRequest,
    options?: Options,
  ): Promise<ModelVersion>;
  failVersion(
    model: string,
    version: number,
    reason: string,
    options?: Options,
  ): Promise<ModelVersion>;
  /**
   * Uploads the artifact of a PENDING version, streamed; the version becomes
   * READY. With `sha256`, the registry refuses bytes of another digest.
   */
  uploadArtifact(
    model: string,
    version: number,
    body: ArtifactBody,
    upload?: { sha256?: string },
    options?: Options,
  ): Promise<ModelVersion>;
  /** URL of a version's artifact, for links and downloads. */
  getArtifactUrl(model: string, version: number): Promise<string>;
  compareVersions(
    model: string,
    versions: number[],
    options?: Options,
  ): Promise<VersionComparison>;
  /**
   * One metric across the READY versions of a model, oldest first; the
   * newest `versions` of them, with `truncated` when some are left out.
   */
  getMetricTrend(
    model: string,
    key: string,
    query?: MetricTrendQuery,
    options?: Options,
  ): Promise<MetricTrend>;
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
  /**
   * The lineage graph of a model over its newest `versions`, with
   * `truncated` when some are left out.
   */
  getLineage(
    model: string,
    query?: LineageQuery,
    options?: Options,
  ): Promise<LineageGraph>;
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
  /** The configured environments and what each serves of a model. */
  listModelEnvironments(
    model: string,
    options?: Options,
  ): Promise<ModelEnvironment[]>;
  /** Deploys a READY version to an environment. */
  createDeployment(
    model: string,
    request: CreateDeploymentRequest,
    options?: Options,
  ): Promise<Deployment>;
  /** Returns an environment to an earlier successful deployment of it. */
  rollbackDeployment(
    model: string,
    deploymentId: string,
    reason?: string,
    options?: Options,
  ): Promise<Deployment>;
  /** A pipeline's report on a deployment it runs. */
  reportDeploymentStatus(
    model: string,
    deploymentId: string,
    report: DeploymentStatusReport,
    options?: Options,
  ): Promise<Deployment>;
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
  /** Stores a precomputed reference profile of a version. */
  putReferenceProfile(
    model: string,
    version: number,
    features: FeatureProfile[],
    options?: Options,
  ): Promise<ReferenceProfile>;
  /** Computes and stores the reference profile of a version from its training data (streamed). */
  uploadReferenceData(
    model: string,
    version: number,
    body: ArtifactBody,
    format: 'csv' | 'jsonl',
    options?: Options,
  ): Promise<ReferenceProfile>;
  /** Sends production rows of an environment (streamed), profiled on the reference bins. */
  uploadProductionData(
    model: string,
    environment: string,
    body: ArtifactBody,
    batch: { format: 'csv' | 'jsonl'; version?: number; observedAt?: string },
    options?: Options,
  ): Promise<DriftBatch>;
  /** Sends production values of an environment counted on the reference bins. */
  postProductionBatch(
    model: string,
    environment: string,
    batch: {
      version?: number;
      observedAt?: string;
      features: BinnedFeature[];
    },
    options?: Options,
  ): Promise<DriftBatch>;
  /** Checks the drift of an environment now and records the report. */
  checkDrift(
    model: string,
    environment: string,
    request?: DriftCheckRequest,
    options?: Options,
  ): Promise<DriftCheckResult>;
  /** Records a breach of a monitored threshold of a model, or its end. */
  recordMonitorEvent(
    model: string,
    event: MonitorEventRequest,
    options?: Options,
  ): Promise<{
    model: string;
    event: 'monitor.breached' | 'monitor.recovered';
  }>;
  /** Portfolio figures over the models the caller may read. */
  getPortfolioSummary(options?: Options): Promise<PortfolioSummary>;
  /** What modules installed: subscribers, deployment targets, sources. */
  getInstalledIntegrations(options?: Options): Promise<InstalledIntegrations>;
  /** Event subscribers with their retry policy and delivery counts. */
  listSubscribers(options?: Options): Promise<SubscriberSummary[]>;
  /** The delivery log, newest event first. */
  listDeliveries(
    query?: ListDeliveriesQuery,
    options?: Options,
  ): Promise<Page<Delivery>>;
  /** Delivers one event to one subscriber again. */
  replayDelivery(
    subscriber: string,
    eventId: string,
    options?: Options,
  ): Promise<{ replayed: number }>;
  /** Delivers every dead delivery of a subscriber again. */
  replayDeadDeliveries(
    subscriber: string,
    options?: Options,
  ): Promise<{ replayed: number }>;
}

/** What a call fills in: path parameters, query and JSON body. */
interface CallInput {
  params?: Record<string, string | number>;
  query?: object;
  body?: unknown;
}

function queryString(query: object | undefined): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) {
      params.append(key, String(item));
    }
  }
  const qs = params.toString();
  return qs ? `?${qs}` : '';
}

function isStream(body: ArtifactBody): boolean {
  return (
    typeof body === 'object' &&
    body !== null &&
    (Symbol.asyncIterator in body || 'getReader' in body)
  );
}

/** The request of a CSV or JSON lines upload, streamed when the body is a stream. */
function dataBody(body: ArtifactBody, format: 'csv' | 'jsonl'): RequestInit {
  return {
    headers: {
      'Content-Type': format === 'csv' ? 'text/csv' : 'application/x-ndjson',
    },
    body: body as BodyInit,
    ...(isStream(body) ? { duplex: 'half' } : {}),
  };
}

/**
 * A client of the Model Registry REST API, usable in the browser (with the
 * frontend's fetchApi) and in backends (with a service token). Every call
 * is one operation of `modelRegistryOperations`: its path, method and
 * answer type come from there.
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

  getHealth() {
    return this.call('getHealth', {});
  }

  listModels(query: ListModelsQuery = {}, options?: Options) {
    return this.call('listModels', { query }, options);
  }

  getModel(name: string, options?: Options) {
    return this.call('getModel', { params: { name } }, options);
  }

  createModel(request: CreateModelRequest, options?: Options) {
    return this.call('createModel', { body: request }, options);
  }

  updateModel(name: string, changes: UpdateModelRequest, options?: Options) {
    return this.call(
      'updateModel',
      { params: { name }, body: changes },
      options,
    );
  }

  exportVersionCycloneDx(model: string, version: number, options?: Options) {
    return this.call(
      'exportVersionCycloneDx',
      { params: { name: model, version } },
      options,
    );
  }

  recordVersionRun(
    model: string,
    version: number,
    request: RecordVersionRunRequest,
    options?: Options,
  ) {
    return this.call(
      'recordVersionRun',
      { params: { name: model, version }, body: request },
      options,
    );
  }

  renameModel(name: string, newName: string, options?: Options) {
    return this.call(
      'renameModel',
      { params: { name }, body: { name: newName } },
      options,
    );
  }

  archiveModel(name: string, options?: Options) {
    return this.call('archiveModel', { params: { name } }, options);
  }

  restoreModel(name: string, options?: Options) {
    return this.call('restoreModel', { params: { name } }, options);
  }

  deleteModel(name: string, options?: Options) {
    return this.call('deleteModel', { params: { name } }, options);
  }

  listVersions(query: ListVersionsQuery, options?: Options) {
    const { model, ...rest } = query;
    return model
      ? this.call(
          'listVersions',
          { params: { name: model }, query: rest },
          options,
        )
      : this.call('searchVersions', { query: rest }, options);
  }

  async registerVersions(request: RegisterVersionsRequest, options?: Options) {
    const { items } = await this.call(
      'registerVersions',
      { body: request },
      options,
    );
    return items;
  }

  getVersion(model: string, version: number, options?: Options) {
    return this.call(
      'getVersion',
      { params: { name: model, version } },
      options,
    );
  }

  registerVersion(
    model: string,
    request: RegisterVersionRequest,
    options?: Options,
  ) {
    return this.call(
      'registerVersion',
      { params: { name: model }, body: request },
      options,
    );
  }

  updateVersion(
    model: string,
    version: number,
    changes: UpdateVersionRequest,
    options?: Options,
  ) {
    return this.call(
      'updateVersion',
      { params: { name: model, version }, body: changes },
      options,
    );
  }

  failVersion(
    model: string,
    version: number,
    reason: string,
    options?: Options,
  ) {
    return this.call(
      'failVersion',
      { params: { name: model, version }, body: { reason } },
      options,
    );
  }

  async uploadArtifact(
    model: string,
    version: number,
    body: ArtifactBody,
    upload: { sha256?: string } = {},
    options?: Options,
  ) {
    const response = await this.send(
      'uploadArtifact',
      { params: { name: model, version }, query: upload },
      options,
      {
        headers: { 'Content-Type': 'application/octet-stream' },
        body: body as BodyInit,
        // Streams are sent as they are read: fetch needs half duplex for that.
        ...(isStream(body) ? { duplex: 'half' } : {}),
      },
    );
    return (await response.json()) as OperationResponse<'uploadArtifact'>;
  }

  async getArtifactUrl(model: string, version: number): Promise<string> {
    return this.url('downloadArtifact', { params: { name: model, version } });
  }

  compareVersions(model: string, versions: number[], options?: Options) {
    return this.call(
      'compareVersions',
      { params: { name: model }, query: { versions: versions.join(',') } },
      options,
    );
  }

  getMetricTrend(
    model: string,
    key: string,
    query: MetricTrendQuery = {},
    options?: Options,
  ) {
    return this.call(
      'metricTrend',
      { params: { name: model, key }, query },
      options,
    );
  }

  async listAliases(model: string, options?: Options) {
    const { items } = await this.call(
      'listAliases',
      { params: { name: model } },
      options,
    );
    return items;
  }

  getVersionByAlias(model: string, alias: string, options?: Options) {
    return this.call(
      'getVersionByAlias',
      { params: { name: model, alias } },
      options,
    );
  }

  setAlias(model: string, alias: string, version: number, options?: Options) {
    return this.call(
      'setAlias',
      { params: { name: model, alias }, body: { version } },
      options,
    );
  }

  deleteAlias(model: string, alias: string, options?: Options) {
    return this.call(
      'deleteAlias',
      { params: { name: model, alias } },
      options,
    );
  }

  async listKpis(model: string, options?: Options) {
    const { items } = await this.call(
      'listKpis',
      { params: { name: model } },
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
    return this.call(
      'setKpi',
      { params: { name: model, kpi: name }, body: request },
      options,
    );
  }

  async getKpiHistory(model: string, name: string, options?: Options) {
    const { items } = await this.call(
      'kpiHistory',
      { params: { name: model, kpi: name } },
      options,
    );
    return items;
  }

  getLineage(model: string, query: LineageQuery = {}, options?: Options) {
    return this.call('getLineage', { params: { name: model }, query }, options);
  }

  listAuditRecords(model: string, query: AuditQuery = {}, options?: Options) {
    return this.call(
      'listAuditRecords',
      { params: { name: model }, query },
      options,
    );
  }

  listDeployments(
    model: string,
    query: ListDeploymentsQuery = {},
    options?: Options,
  ) {
    return this.call(
      'listDeployments',
      { params: { name: model }, query },
      options,
    );
  }

  async listModelEnvironments(model: string, options?: Options) {
    const { items } = await this.call(
      'listModelEnvironments',
      { params: { name: model } },
      options,
    );
    return items;
  }

  createDeployment(
    model: string,
    request: CreateDeploymentRequest,
    options?: Options,
  ) {
    return this.call(
      'createDeployment',
      { params: { name: model }, body: request },
      options,
    );
  }

  rollbackDeployment(
    model: string,
    deploymentId: string,
    reason?: string,
    options?: Options,
  ) {
    return this.call(
      'rollbackDeployment',
      {
        params: { name: model, id: deploymentId },
        body: reason === undefined ? {} : { reason },
      },
      options,
    );
  }

  reportDeploymentStatus(
    model: string,
    deploymentId: string,
    report: DeploymentStatusReport,
    options?: Options,
  ) {
    return this.call(
      'reportDeploymentStatus',
      { params: { name: model, id: deploymentId }, body: report },
      options,
    );
  }

  listDriftReports(
    model: string,
    query: ListDriftReportsQuery = {},
    options?: Options,
  ) {
    return this.call(
      'listDriftReports',
      { params: { name: model }, query },
      options,
    );
  }

  getReferenceProfile(model: string, version: number, options?: Options) {
    return this.call(
      'getReferenceProfile',
      { params: { name: model, version } },
      options,
    );
  }

  putReferenceProfile(
    model: string,
    version: number,
    features: FeatureProfile[],
    options?: Options,
  ) {
    return this.call(
      'putReferenceProfile',
      { params: { name: model, version }, body: { features } },
      options,
    );
  }

  async uploadReferenceData(
    model: string,
    version: number,
    body: ArtifactBody,
    format: 'csv' | 'jsonl',
    options?: Options,
  ) {
    const response = await this.send(
      'uploadReferenceData',
      { params: { name: model, version }, query: { format } },
      options,
      dataBody(body, format),
    );
    return (await response.json()) as OperationResponse<'uploadReferenceData'>;
  }

  async uploadProductionData(
    model: string,
    environment: string,
    body: ArtifactBody,
    batch: { format: 'csv' | 'jsonl'; version?: number; observedAt?: string },
    options?: Options,
  ) {
    const response = await this.send(
      'uploadProductionData',
      { params: { name: model, environment }, query: batch },
      options,
      dataBody(body, batch.format),
    );
    return (await response.json()) as OperationResponse<'uploadProductionData'>;
  }

  postProductionBatch(
    model: string,
    environment: string,
    batch: {
      version?: number;
      observedAt?: string;
      features: BinnedFeature[];
    },
    options?: Options,
  ) {
    return this.call(
      'postProductionBatch',
      { params: { name: model, environment }, body: batch },
      options,
    );
  }

  recordMonitorEvent(
    model: string,
    event: MonitorEventRequest,
    options?: Options,
  ) {
    return this.call(
      'recordMonitorEvent',
      { params: { name: model }, body: event },
      options,
    );
  }

  checkDrift(
    model: string,
    environment: string,
    request: DriftCheckRequest = {},
    options?: Options,
  ) {
    return this.call(
      'checkDrift',
      { params: { name: model, environment }, body: request },
      options,
    );
  }

  getPortfolioSummary(options?: Options) {
    return this.call('getPortfolioSummary', {}, options);
  }

  getInstalledIntegrations(options?: Options) {
    return this.call('getInstalledIntegrations', {}, options);
  }

  async listSubscribers(options?: Options) {
    const { items } = await this.call('listSubscribers', {}, options);
    return items;
  }

  listDeliveries(query: ListDeliveriesQuery = {}, options?: Options) {
    return this.call('listDeliveries', { query }, options);
  }

  replayDelivery(subscriber: string, eventId: string, options?: Options) {
    return this.call(
      'replayDelivery',
      { params: { subscriber, eventId } },
      options,
    );
  }

  replayDeadDeliveries(subscriber: string, options?: Options) {
    return this.call(
      'replayDeadDeliveries',
      { params: { subscriber } },
      options,
    );
  }

  /** Calls a JSON operation and returns its answer; 204 gives undefined. */
  private async call<K extends ModelRegistryOperationId>(
    operationId: K,
    input: CallInput,
    options?: Options,
  ): Promise<OperationResponse<K>> {
    const init: RequestInit =
      input.body === undefined
        ? {}
        : {
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify(input.body),
          };
    const response = await this.send(operationId, input, options, init);
    if (response.status === 204) return undefined as OperationResponse<K>;
    return (await response.json()) as OperationResponse<K>;
  }

  private async send(
    operationId: ModelRegistryOperationId,
    input: CallInput,
    options: Options | undefined,
    init: RequestInit & { duplex?: 'half' },
  ): Promise<Response> {
    const headers: Record<string, string> = {
      ...(init.headers as Record<string, string>),
    };
    if (options?.token) headers.Authorization = `Bearer ${options.token}`;
    const response = await this.fetchFn(await this.url(operationId, input), {
      ...init,
      method: modelRegistryOperations[operationId].method.toUpperCase(),
      headers,
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response;
  }

  private async url(
    operationId: ModelRegistryOperationId,
    input: CallInput,
  ): Promise<string> {
    const baseUrl = await this.discovery.getBaseUrl('model-registry');
    const path = modelRegistryOperations[operationId].path.replace(
      /:([A-Za-z]+)/g,
      (_, name: string) => encodeURIComponent(String(input.params?.[name])),
    );
    return `${baseUrl}${path}${queryString(input.query)}`;
  }
}
