import { z } from 'zod';
import {
  aliasSetPermission,
  deliveryReadPermission,
  deliveryReplayPermission,
  deploymentCreatePermission,
  deploymentRollbackPermission,
  modelCreatePermission,
  modelDeletePermission,
  modelReadPermission,
  modelUpdatePermission,
  versionCreatePermission,
} from '../permissions';
import * as s from '../schema';

/**
 * One operation of the REST API: its HTTP shape, documentation and the
 * schemas of what goes in and comes out. The backend implements each one,
 * the OpenAPI document lists them, and the typed client calls them.
 */
export interface OperationDefinition {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Express-style path under the plugin's base URL, e.g. `/models/:name`. */
  path: string;
  summary: string;
  /** Groups the operation in the OpenAPI document. */
  tag: string;
  /** The permissions the backend checks, for the documentation. */
  permissions: readonly string[];
  /**
   * Who may call: `token` (a user or service token; the default), `none`
   * (health), or `user-cookie` (also Backstage's user cookie, for links a
   * browser follows without a token, like artifact downloads).
   */
  auth?: 'token' | 'none' | 'user-cookie';
  params?: z.ZodType;
  query?: z.ZodType;
  /** A JSON request body. */
  body?: z.ZodType;
  /** The request body is a byte stream (artifact upload), not JSON. */
  upload?: true;
  /** The success status. */
  status: number;
  /** A JSON answer; absent for 204 and byte streams. */
  response?: z.ZodType;
  responseDescription: string;
  /** Error answers particular to this operation, by status. */
  errors?: Record<string, string>;
}

function operation<const D extends OperationDefinition>(definition: D): D {
  return definition;
}

const read = [modelReadPermission.name] as const;

/** Every operation of the Model Registry REST API, by operation id. */
export const modelRegistryOperations = {
  getHealth: operation({
    method: 'get',
    path: '/health',
    summary: 'Liveness of the registry',
    tag: 'health',
    permissions: [],
    auth: 'none',
    status: 200,
    response: s.healthStatus,
    responseDescription: 'The registry is up',
  }),

  // Models
  listModels: operation({
    method: 'get',
    path: '/models',
    summary: 'Search and list the models the caller may read',
    tag: 'models',
    permissions: read,
    query: s.listModelsQuery,
    status: 200,
    response: s.pageOf(s.model),
    responseDescription: 'A page of models',
  }),
  getPortfolioSummary: operation({
    method: 'get',
    path: '/summary',
    summary:
      'Portfolio figures over the non-archived models the caller may read',
    tag: 'models',
    permissions: read,
    status: 200,
    response: s.portfolioSummary,
    responseDescription:
      'Counts of models, in production, drifting, with a failed newest deployment, without a catalog owner, without a model card',
  }),
  createModel: operation({
    method: 'post',
    path: '/models',
    summary: 'Register a model',
    tag: 'models',
    permissions: [modelCreatePermission.name],
    body: s.createModelRequest,
    status: 201,
    response: s.model,
    responseDescription: 'The new model',
  }),
  getModel: operation({
    method: 'get',
    path: '/models/:name',
    summary: 'Get a model',
    tag: 'models',
    permissions: read,
    params: s.modelPathParams,
    status: 200,
    response: s.model,
    responseDescription: 'The model',
  }),
  updateModel: operation({
    method: 'patch',
    path: '/models/:name',
    summary:
      'Change owner, description, task, framework, tags, links or key metric',
    tag: 'models',
    permissions: [modelUpdatePermission.name],
    params: s.modelPathParams,
    body: s.updateModelRequest,
    status: 200,
    response: s.model,
    responseDescription: 'The changed model',
  }),
  renameModel: operation({
    method: 'post',
    path: '/models/:name/rename',
    summary:
      'Rename a model; its versions, aliases and audit trail follow it, the old name is free',
    tag: 'models',
    permissions: [modelUpdatePermission.name],
    params: s.modelPathParams,
    body: s.renameModelRequest,
    status: 200,
    response: s.model,
    responseDescription: 'The renamed model',
    errors: { '409': 'A model of the new name exists' },
  }),
  archiveModel: operation({
    method: 'post',
    path: '/models/:name/archive',
    summary: 'Archive a model: hidden from lists, no new versions',
    tag: 'models',
    permissions: [modelUpdatePermission.name],
    params: s.modelPathParams,
    status: 200,
    response: s.model,
    responseDescription: 'The archived model',
  }),
  restoreModel: operation({
    method: 'post',
    path: '/models/:name/restore',
    summary: 'Restore an archived model',
    tag: 'models',
    permissions: [modelUpdatePermission.name],
    params: s.modelPathParams,
    status: 200,
    response: s.model,
    responseDescription: 'The restored model',
  }),
  deleteModel: operation({
    method: 'delete',
    path: '/models/:name',
    summary: 'Delete a model that has no versions',
    tag: 'models',
    permissions: [modelDeletePermission.name],
    params: s.modelPathParams,
    status: 204,
    responseDescription: 'Deleted',
  }),

  // Versions
  searchVersions: operation({
    method: 'get',
    path: '/versions',
    summary: 'Search versions across the models the caller may read',
    tag: 'versions',
    permissions: read,
    query: s.searchVersionsQuery,
    status: 200,
    response: s.pageOf(s.modelVersion),
    responseDescription: 'A page of versions, newest first by default',
  }),
  listVersions: operation({
    method: 'get',
    path: '/models/:name/versions',
    summary: 'List the versions of a model',
    tag: 'versions',
    permissions: read,
    params: s.modelPathParams,
    query: s.listVersionsQuery,
    status: 200,
    response: s.pageOf(s.modelVersion),
    responseDescription: 'A page of versions, highest number first by default',
  }),
  registerVersion: operation({
    method: 'post',
    path: '/models/:name/versions',
    summary:
      'Register a version; numbered max+1. PENDING until its artifact is uploaded, READY at once with an external artifact',
    tag: 'versions',
    permissions: [versionCreatePermission.name],
    params: s.modelPathParams,
    body: s.registerVersionRequest,
    status: 201,
    response: s.modelVersion,
    responseDescription: 'The new version',
  }),
  registerVersions: operation({
    method: 'post',
    path: '/versions',
    summary:
      'Register versions of one or more models at once, for importers: all of them or none',
    tag: 'versions',
    permissions: [versionCreatePermission.name],
    body: s.registerVersionsRequest,
    status: 201,
    response: s.registeredVersions,
    responseDescription: 'The new versions, in the order of the request',
  }),
  exportVersionCycloneDx: operation({
    method: 'get',
    path: '/models/:name/versions/:version/cyclonedx',
    summary:
      'A version as a CycloneDX 1.6 ML-BOM: machine-learning-model component with model card, metrics, datasets and lineage',
    tag: 'lineage',
    permissions: read,
    params: s.versionPathParams,
    status: 200,
    response: s.cycloneDxBom,
    responseDescription: 'The CycloneDX 1.6 JSON document',
  }),
  recordVersionRun: operation({
    method: 'post',
    path: '/models/:name/versions/:version/runs',
    summary:
      'Record a run that produced a version, with the datasets it read (from lineage emitters such as OpenLineage); repeated and late events are merged',
    tag: 'lineage',
    permissions: [versionCreatePermission.name],
    params: s.versionPathParams,
    body: s.recordVersionRunRequest,
    status: 200,
    response: s.versionRun,
    responseDescription:
      'The run as recorded: its latest state and all inputs named so far',
  }),
  getVersion: operation({
    method: 'get',
    path: '/models/:name/versions/:version',
    summary: 'Get a version',
    tag: 'versions',
    permissions: read,
    params: s.versionPathParams,
    status: 200,
    response: s.modelVersion,
    responseDescription: 'The version',
  }),
  updateVersion: operation({
    method: 'patch',
    path: '/models/:name/versions/:version',
    summary: 'Change the description, tags or annotations of a version',
    tag: 'versions',
    permissions: [versionCreatePermission.name],
    params: s.versionPathParams,
    body: s.updateVersionRequest,
    status: 200,
    response: s.modelVersion,
    responseDescription: 'The changed version',
  }),
  failVersion: operation({
    method: 'post',
    path: '/models/:name/versions/:version/fail',
    summary: 'Mark a PENDING version FAILED',
    tag: 'versions',
    permissions: [versionCreatePermission.name],
    params: s.versionPathParams,
    body: s.failVersionRequest,
    status: 200,
    response: s.modelVersion,
    responseDescription: 'The failed version',
  }),
  uploadArtifact: operation({
    method: 'put',
    path: '/models/:name/versions/:version/artifact',
    summary:
      'Upload the artifact of a PENDING version (streamed; sha256 computed on the way); the version becomes READY',
    tag: 'artifacts',
    permissions: [versionCreatePermission.name],
    params: s.versionPathParams,
    query: s.uploadArtifactQuery,
    upload: true,
    status: 200,
    response: s.modelVersion,
    responseDescription: 'The READY version',
    errors: {
      '408':
        'The client sent nothing for the idle timeout, or the upload took longer than the upload timeout; the version stays PENDING',
      '413':
        'Larger than the size limit or the model quota; the version stays PENDING',
      '507':
        'Not enough free space in the artifact store; the version stays PENDING',
    },
  }),
  downloadArtifact: operation({
    method: 'get',
    path: '/models/:name/versions/:version/artifact',
    summary:
      'Download the artifact of a READY version (or a redirect to a presigned URL)',
    tag: 'artifacts',
    permissions: read,
    auth: 'user-cookie',
    params: s.versionPathParams,
    status: 200,
    responseDescription:
      'The artifact bytes; 302 to a presigned URL for S3 stores',
  }),
  compareVersions: operation({
    method: 'get',
    path: '/models/:name/compare',
    summary: 'Two to ten versions side by side',
    tag: 'versions',
    permissions: read,
    params: s.modelPathParams,
    query: s.compareVersionsQuery,
    status: 200,
    response: s.versionComparison,
    responseDescription:
      'Parameters, metrics, datasets and artifacts per version, with differences flagged',
  }),
  metricTrend: operation({
    method: 'get',
    path: '/models/:name/metrics/:key/trend',
    summary: 'One metric across the READY versions of a model',
    tag: 'versions',
    permissions: read,
    params: s.metricTrendParams,
    query: s.metricTrendQuery,
    status: 200,
    response: s.metricTrend,
    responseDescription: 'Metric values by version number',
  }),

  // Aliases
  listAliases: operation({
    method: 'get',
    path: '/models/:name/aliases',
    summary: 'The aliases of a model',
    tag: 'aliases',
    permissions: read,
    params: s.modelPathParams,
    status: 200,
    response: s.listOf(s.modelAlias),
    responseDescription: 'Aliases and the versions they point to',
  }),
  getVersionByAlias: operation({
    method: 'get',
    path: '/models/:name/aliases/:alias',
    summary: 'The version an alias points to',
    tag: 'aliases',
    permissions: read,
    params: s.aliasPathParams,
    status: 200,
    response: s.modelVersion,
    responseDescription: 'The version',
  }),
  setAlias: operation({
    method: 'put',
    path: '/models/:name/aliases/:alias',
    summary: 'Point an alias at a READY version (create or move)',
    tag: 'aliases',
    permissions: [aliasSetPermission.name],
    params: s.aliasPathParams,
    body: s.setAliasRequest,
    status: 200,
    response: s.modelAlias,
    responseDescription: 'The alias',
  }),
  deleteAlias: operation({
    method: 'delete',
    path: '/models/:name/aliases/:alias',
    summary: 'Remove an alias',
    tag: 'aliases',
    permissions: [aliasSetPermission.name],
    params: s.aliasPathParams,
    status: 204,
    responseDescription: 'Removed',
  }),

  // KPIs
  listKpis: operation({
    method: 'get',
    path: '/models/:name/kpis',
    summary: 'Current business KPIs of a model and its versions',
    tag: 'kpis',
    permissions: read,
    params: s.modelPathParams,
    status: 200,
    response: s.listOf(s.kpi),
    responseDescription: 'The current value of every KPI',
  }),
  setKpi: operation({
    method: 'put',
    path: '/models/:name/kpis/:kpi',
    summary:
      'Record the value of a KPI (the previous values stay in its history)',
    tag: 'kpis',
    permissions: [modelUpdatePermission.name],
    params: s.kpiPathParams,
    body: s.setKpiRequest,
    status: 200,
    response: s.kpi,
    responseDescription: 'The KPI',
  }),
  kpiHistory: operation({
    method: 'get',
    path: '/models/:name/kpis/:kpi/history',
    summary: 'Every recorded value of a KPI, newest first',
    tag: 'kpis',
    permissions: read,
    params: s.kpiPathParams,
    query: s.kpiHistoryQuery,
    status: 200,
    response: s.listOf(s.kpi),
    responseDescription: 'The history',
  }),

  // Deployments and drift
  listDeployments: operation({
    method: 'get',
    path: '/models/:name/deployments',
    summary: 'The deployments of a model, newest first',
    tag: 'deployments',
    permissions: read,
    params: s.modelPathParams,
    query: s.listDeploymentsQuery,
    status: 200,
    response: s.pageOf(s.deployment),
    responseDescription: 'A page of deployments with their status history',
  }),
  listModelEnvironments: operation({
    method: 'get',
    path: '/models/:name/environments',
    summary:
      'The configured environments, with the version each serves of the model and whether it matches the followed alias',
    tag: 'deployments',
    permissions: read,
    params: s.modelPathParams,
    status: 200,
    response: s.listOf(s.modelEnvironment),
    responseDescription:
      'Every environment of modelRegistry.environments; empty when none is configured',
  }),
  createDeployment: operation({
    method: 'post',
    path: '/models/:name/deployments',
    summary:
      'Deploy a READY version to an environment; the rollout proceeds in the background',
    tag: 'deployments',
    permissions: [deploymentCreatePermission.name],
    params: s.modelPathParams,
    body: s.createDeploymentRequest,
    status: 202,
    response: s.deployment,
    responseDescription: 'The new deployment, pending or already progressing',
    errors: {
      '400': 'Unknown environment',
      '409': 'The version is not READY',
    },
  }),
  rollbackDeployment: operation({
    method: 'post',
    path: '/models/:name/deployments/:id/rollback',
    summary:
      "Return the deployment's environment to it: its recorded revision is applied again and the followed alias moves back",
    tag: 'deployments',
    permissions: [deploymentRollbackPermission.name],
    params: s.deploymentPathParams,
    body: s.rollbackDeploymentRequest,
    status: 202,
    response: s.deployment,
    responseDescription: 'The rollback deployment',
    errors: {
      '409':
        'The deployment did not succeed, or its environment already runs it',
    },
  }),
  reportDeploymentStatus: operation({
    method: 'post',
    path: '/models/:name/deployments/:id/status',
    summary:
      'A CI/CD pipeline reports the status of a deployment it runs (environments in cicd mode)',
    tag: 'deployments',
    permissions: [deploymentCreatePermission.name],
    params: s.deploymentPathParams,
    body: s.deploymentStatusReport,
    status: 200,
    response: s.deployment,
    responseDescription: 'The deployment, following the report',
    errors: {
      '409':
        'The environment does not deploy through a pipeline, or the deployment is finished',
    },
  }),
  listDriftReports: operation({
    method: 'get',
    path: '/models/:name/drift/reports',
    summary: 'The drift reports of a model, newest window first',
    tag: 'drift',
    permissions: read,
    params: s.modelPathParams,
    query: s.listDriftReportsQuery,
    status: 200,
    response: s.pageOf(s.driftReport),
    responseDescription: 'A page of drift reports',
  }),
  getReferenceProfile: operation({
    method: 'get',
    path: '/models/:name/versions/:version/reference-profile',
    summary:
      'The reference distributions drift of a version is measured against',
    tag: 'drift',
    permissions: read,
    params: s.versionPathParams,
    status: 200,
    response: s.referenceProfile,
    responseDescription:
      'Histogram and summary statistics per feature; 404 when the version has none',
  }),

  putReferenceProfile: operation({
    method: 'put',
    path: '/models/:name/versions/:version/reference-profile',
    summary:
      'Store a precomputed reference profile of a version, replacing any earlier one',
    tag: 'drift',
    permissions: [versionCreatePermission.name],
    params: s.versionPathParams,
    body: s.putReferenceProfileRequest,
    status: 200,
    response: s.referenceProfile,
    responseDescription: 'The stored profile',
  }),
  uploadReferenceData: operation({
    method: 'put',
    path: '/models/:name/versions/:version/reference-profile/data',
    summary:
      'Compute the reference profile of a version from its training data (CSV or JSON lines, streamed) and store it',
    tag: 'drift',
    permissions: [versionCreatePermission.name],
    params: s.versionPathParams,
    query: s.referenceDataQuery,
    upload: true,
    status: 200,
    response: s.referenceProfile,
    responseDescription:
      'The computed profile: deciles as bin edges, sketch, summary statistics per feature',
    errors: {
      '400':
        'Ragged rows, duplicate or empty columns, a record over 1 MiB, no records; nothing is stored',
    },
  }),
  uploadProductionData: operation({
    method: 'post',
    path: '/models/:name/environments/:environment/drift/batches/data',
    summary:
      'Send a batch of production rows (CSV or JSON lines, streamed); it is profiled on the reference bins and stored',
    tag: 'drift',
    permissions: [modelUpdatePermission.name],
    params: s.environmentPathParams,
    query: s.productionDataQuery,
    upload: true,
    status: 201,
    response: s.driftBatch,
    responseDescription: 'The stored batch',
    errors: {
      '400':
        'Unknown features, values that contradict the reference types, ragged rows, no records; nothing is stored',
      '409':
        'No version is deployed in the environment and none was named, or the version has no reference profile',
    },
  }),
  postProductionBatch: operation({
    method: 'post',
    path: '/models/:name/environments/:environment/drift/batches',
    summary:
      'Send a batch of production values counted on the reference bins (pre-binned)',
    tag: 'drift',
    permissions: [modelUpdatePermission.name],
    params: s.environmentPathParams,
    body: s.binnedBatchRequest,
    status: 201,
    response: s.driftBatch,
    responseDescription: 'The stored batch',
    errors: {
      '400':
        'Unknown features, counts that do not fit the reference bins, kinds that contradict the reference, no values',
      '409':
        'No version is deployed in the environment and none was named, or the version has no reference profile',
    },
  }),
  checkDrift: operation({
    method: 'post',
    path: '/models/:name/environments/:environment/drift/check',
    summary:
      'Check the drift of an environment now: merge the window of batches, score each feature, record the report',
    tag: 'drift',
    permissions: [modelUpdatePermission.name],
    params: s.environmentPathParams,
    body: s.driftCheckRequest,
    status: 200,
    response: s.driftCheckResult,
    responseDescription:
      'The recorded report, or the reason none was recorded (no batches, too few values)',
  }),

  recordMonitorEvent: operation({
    method: 'post',
    path: '/models/:name/monitor/events',
    summary:
      'Record that a monitored threshold of a model was breached or recovered (monitor.breached / monitor.recovered events)',
    tag: 'drift',
    permissions: [modelUpdatePermission.name],
    params: s.modelPathParams,
    body: s.monitorEventRequest,
    status: 201,
    response: s.monitorEventResult,
    responseDescription: 'The event written to the outbox',
  }),

  // Lineage and audit
  getLineage: operation({
    method: 'get',
    path: '/models/:name/lineage',
    summary: 'The lineage graph of a model',
    tag: 'lineage',
    permissions: read,
    params: s.modelPathParams,
    query: s.lineageQuery,
    status: 200,
    response: s.lineageGraph,
    responseDescription: 'Nodes and typed edges',
  }),
  listAuditRecords: operation({
    method: 'get',
    path: '/models/:name/audit',
    summary: 'The audit trail of a model, newest first',
    tag: 'audit',
    permissions: read,
    params: s.modelPathParams,
    query: s.auditQuery,
    status: 200,
    response: s.pageOf(s.auditRecord),
    responseDescription: 'A page of audit records',
  }),

  // Integrations and the delivery of events to them
  getInstalledIntegrations: operation({
    method: 'get',
    path: '/integrations',
    summary:
      'What modules installed: event subscribers, deployment targets, monitoring sources',
    tag: 'integrations',
    permissions: [deliveryReadPermission.name],
    status: 200,
    response: s.installedIntegrations,
    responseDescription: 'Every installed integration, in registration order',
  }),
  listSubscribers: operation({
    method: 'get',
    path: '/subscribers',
    summary:
      'Event subscribers with their retry policy and deliveries per status',
    tag: 'integrations',
    permissions: [deliveryReadPermission.name],
    status: 200,
    response: s.listOf(s.subscriberSummary),
    responseDescription: 'Every registered subscriber',
  }),
  listDeliveries: operation({
    method: 'get',
    path: '/deliveries',
    summary:
      'The delivery log: each event to each subscriber, with status, attempts and last error',
    tag: 'integrations',
    permissions: [deliveryReadPermission.name],
    query: s.listDeliveriesQuery,
    status: 200,
    response: s.pageOf(s.delivery),
    responseDescription: 'A page of deliveries, newest event first',
  }),
  replayDelivery: operation({
    method: 'post',
    path: '/subscribers/:subscriber/deliveries/:eventId/replay',
    summary:
      'Deliver an event to a subscriber again: pending at once, attempts reset',
    tag: 'integrations',
    permissions: [deliveryReplayPermission.name],
    params: s.deliveryPathParams,
    status: 200,
    response: s.replayResult,
    responseDescription: 'How many deliveries went back to pending',
  }),
  replayDeadDeliveries: operation({
    method: 'post',
    path: '/subscribers/:subscriber/replay',
    summary: 'Deliver every dead delivery of a subscriber again',
    tag: 'integrations',
    permissions: [deliveryReplayPermission.name],
    params: s.subscriberPathParams,
    status: 200,
    response: s.replayResult,
    responseDescription: 'How many deliveries went back to pending',
  }),
};

/** The operation ids of the REST API. */
export type ModelRegistryOperationId = keyof typeof modelRegistryOperations;

/** What an operation answers, as the server sends it. */
export type OperationResponse<K extends ModelRegistryOperationId> =
  (typeof modelRegistryOperations)[K] extends { response: infer R }
    ? R extends z.ZodType
      ? z.output<R>
      : void
    : void;
