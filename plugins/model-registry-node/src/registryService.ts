import {
  AuthService,
  BackstageCredentials,
  coreServices,
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import {
  ModelRegistryApi,
  ModelRegistryClient,
  ModelRegistryRequestOptions,
} from '@mlreg/plugin-model-registry-common';

/**
 * Options of every {@link ModelRegistryService} call.
 *
 * @public
 */
export interface ModelRegistryServiceRequestOptions {
  /**
   * Whose call it is: the registry applies this principal's permissions, as
   * if it had called the REST API itself.
   */
  credentials: BackstageCredentials;
}

/**
 * The parameters of a client method with its trailing `{ token }` options
 * replaced by (or, where it has none, extended with) required credentials.
 */
type WithCredentials<TParams extends unknown[]> = TParams extends [
  ...infer Head,
  (infer Last)?,
]
  ? [Exclude<Last, undefined>] extends [ModelRegistryRequestOptions]
    ? [...Head, ModelRegistryServiceRequestOptions]
    : [...TParams, ModelRegistryServiceRequestOptions]
  : [...TParams, ModelRegistryServiceRequestOptions];

/**
 * The Model Registry API for backend modules: every method of
 * `ModelRegistryApi`, with the same parameters, except that the last one is
 * `{ credentials }` instead of `{ token }`. Optional parameters before it are
 * passed as `undefined`, e.g. `listModels(undefined, { credentials })`.
 *
 * @public
 */
export type ModelRegistryService = {
  [Method in keyof ModelRegistryApi]: ModelRegistryApi[Method] extends (
    ...args: infer Params
  ) => infer Result
    ? (...args: WithCredentials<Params>) => Result
    : never;
};

/**
 * Every method of the API, checked to be complete: a method added to
 * `ModelRegistryApi` does not compile until it is listed here.
 */
const methods = {
  getHealth: true,
  listModels: true,
  getModel: true,
  createModel: true,
  updateModel: true,
  renameModel: true,
  archiveModel: true,
  restoreModel: true,
  deleteModel: true,
  listVersions: true,
  getVersion: true,
  recordVersionRun: true,
  exportVersionCycloneDx: true,
  registerVersion: true,
  registerVersions: true,
  updateVersion: true,
  failVersion: true,
  uploadArtifact: true,
  getArtifactUrl: true,
  compareVersions: true,
  getMetricTrend: true,
  listAliases: true,
  getVersionByAlias: true,
  setAlias: true,
  deleteAlias: true,
  listKpis: true,
  setKpi: true,
  getKpiHistory: true,
  getLineage: true,
  listAuditRecords: true,
  listDeployments: true,
  listModelEnvironments: true,
  createDeployment: true,
  rollbackDeployment: true,
  reportDeploymentStatus: true,
  listDriftReports: true,
  getReferenceProfile: true,
  putReferenceProfile: true,
  uploadReferenceData: true,
  uploadProductionData: true,
  postProductionBatch: true,
  checkDrift: true,
  recordMonitorEvent: true,
  getPortfolioSummary: true,
  getInstalledIntegrations: true,
  listSubscribers: true,
  listDeliveries: true,
  replayDelivery: true,
  replayDeadDeliveries: true,
} satisfies Record<keyof ModelRegistryApi, true>;

/**
 * A {@link ModelRegistryService} that calls the REST API through `client`
 * with a token `auth` issues on behalf of each call's credentials.
 *
 * @public
 */
export function createModelRegistryService(options: {
  auth: AuthService;
  client: ModelRegistryApi;
}): ModelRegistryService {
  const { auth, client } = options;
  const service: Record<string, unknown> = {};
  for (const method of Object.keys(methods) as Array<keyof ModelRegistryApi>) {
    service[method] = async (...args: unknown[]) => {
      const { credentials } = args.pop() as ModelRegistryServiceRequestOptions;
      const { token } = await auth.getPluginRequestToken({
        onBehalfOf: credentials,
        targetPluginId: 'model-registry',
      });
      const call = client[method] as (...params: unknown[]) => unknown;
      return call.call(client, ...args, { token });
    };
  }
  return service as ModelRegistryService;
}

/**
 * The Model Registry, for backend modules that act on behalf of a user or
 * service, e.g. scaffolder actions and webhook receivers. By default it
 * reaches the registry's REST API through discovery.
 *
 * @public
 */
export const modelRegistryServiceRef = createServiceRef<ModelRegistryService>({
  id: 'model-registry.client',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: {
        auth: coreServices.auth,
        discovery: coreServices.discovery,
      },
      factory: ({ auth, discovery }) =>
        createModelRegistryService({
          auth,
          client: new ModelRegistryClient({ discoveryApi: discovery }),
        }),
    }),
});
