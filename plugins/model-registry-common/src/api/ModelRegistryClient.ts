import { ResponseError } from '@backstage/errors';
import {
  CreateModelRequest,
  HealthStatus,
  ListModelsQuery,
  Model,
  Page,
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

/** The Model Registry REST API, as one typed interface. */
export interface ModelRegistryApi {
  getHealth(): Promise<HealthStatus>;
  listModels(
    query?: ListModelsQuery,
    options?: ModelRegistryRequestOptions,
  ): Promise<Page<Model>>;
  getModel(name: string, options?: ModelRegistryRequestOptions): Promise<Model>;
  createModel(
    request: CreateModelRequest,
    options?: ModelRegistryRequestOptions,
  ): Promise<Model>;
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

  listModels(
    query: ListModelsQuery = {},
    options?: ModelRegistryRequestOptions,
  ): Promise<Page<Model>> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined) params.set(key, String(value));
    }
    const qs = params.toString();
    return this.request('GET', `/models${qs ? `?${qs}` : ''}`, options);
  }

  getModel(
    name: string,
    options?: ModelRegistryRequestOptions,
  ): Promise<Model> {
    return this.request('GET', `/models/${encodeURIComponent(name)}`, options);
  }

  createModel(
    request: CreateModelRequest,
    options?: ModelRegistryRequestOptions,
  ): Promise<Model> {
    return this.request('POST', '/models', options, request);
  }

  private async request<T>(
    method: string,
    path: string,
    options?: ModelRegistryRequestOptions,
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
    return (await response.json()) as T;
  }
}
