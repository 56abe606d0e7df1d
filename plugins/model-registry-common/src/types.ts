import { z } from 'zod';
import * as s from './schema';

/*
 * The TypeScript types of the REST API, inferred from its schemas: answers
 * as the server sends them (`z.output`), requests as a client writes them
 * (`z.input`).
 */

/** Links from a model to the places its team works in. */
export type ModelLinks = z.input<typeof s.modelLinks>;
/** A registered model, as the REST API returns it. */
export type Model = z.output<typeof s.model>;
/** How a model does in production, for lists and health badges. */
export type ModelHealth = z.output<typeof s.modelHealth>;
/** The fields a client sends to register a model. */
export type CreateModelRequest = z.input<typeof s.createModelRequest>;
/** The fields of a model that can change; null clears a field. */
export type UpdateModelRequest = z.input<typeof s.updateModelRequest>;
export type RenameModelRequest = z.input<typeof s.renameModelRequest>;
export type RecordVersionRunRequest = z.input<typeof s.recordVersionRunRequest>;
export type VersionRun = z.output<typeof s.versionRun>;
export type CycloneDxBom = z.output<typeof s.cycloneDxBom>;
/** Query of the model list. */
export type ListModelsQuery = z.input<typeof s.listModelsQuery>;
/** The figures at the top of the Models page. */
export type PortfolioSummary = z.output<typeof s.portfolioSummary>;
/** The answer of the health endpoint. */
export type HealthStatus = z.output<typeof s.healthStatus>;

/** One page of a list, with the cursor of the next page when there is one. */
export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

/** Lifecycle of a version: PENDING until its artifact is stored. */
export type ModelVersionStatus = z.output<typeof s.versionStatus>;
/** A version of a model, as the REST API returns it. */
export type ModelVersion = z.output<typeof s.modelVersion>;
/** One metric value of a version. */
export type Metric = z.output<typeof s.metric>;
/** A data set a version was trained or evaluated on. */
export type DatasetUse = z.output<typeof s.datasetUse>;
/** The model card of a version. */
export type ModelCard = z.output<typeof s.modelCard>;
/** The stored artifact of a version. */
export type Artifact = z.output<typeof s.artifact>;
/** The version a version was derived from, possibly of another model. */
export type ParentVersion = z.output<typeof s.parentVersion>;
/** The fields a client sends to register a version. */
export type RegisterVersionRequest = z.input<typeof s.registerVersionRequest>;
/** Versions of one or more models to register together. */
export type RegisterVersionsRequest = z.input<typeof s.registerVersionsRequest>;
/** What may change on a version once it is READY. */
export type UpdateVersionRequest = z.input<typeof s.updateVersionRequest>;
/**
 * Query of a version list or search: with `model`, the versions of that
 * model; without, a search across every readable model.
 */
export type ListVersionsQuery = Omit<
  z.input<typeof s.searchVersionsQuery>,
  'metric'
> & {
  /** Metric conditions such as `accuracy>=0.9`. */
  metric?: string[];
};
/** One row of a side-by-side comparison. */
export type ComparisonRow = z.output<typeof s.comparisonRow>;
/** Versions side by side. */
export type VersionComparison = z.output<typeof s.versionComparison>;
/** One point of a metric trend. */
export type MetricTrendPoint = z.output<typeof s.metricTrendPoint>;
/** One metric over the READY versions of a model. */
export type MetricTrend = z.output<typeof s.metricTrend>;
/** How many of the newest versions a trend covers. */
export type MetricTrendQuery = z.input<typeof s.metricTrendQuery>;

/** An alias and the version it points to. */
export type ModelAlias = z.output<typeof s.modelAlias>;

/** A business KPI of a model or one of its versions. */
export type Kpi = z.output<typeof s.kpi>;
/** A KPI value as a client records it. */
export type SetKpiRequest = z.input<typeof s.setKpiRequest>;

/** A record of the audit trail. */
export type AuditRecord = z.output<typeof s.auditRecord>;
/** Query of the audit trail of a model. */
export type AuditQuery = Omit<z.input<typeof s.auditQuery>, 'version'> & {
  version?: number;
};

/** A node of a lineage graph. */
export type LineageNode = z.output<typeof s.lineageNode>;
/** A typed edge of a lineage graph. */
export type LineageEdge = z.output<typeof s.lineageEdge>;
/** The lineage graph of a model. */
export type LineageGraph = z.output<typeof s.lineageGraph>;
/** How many of the newest versions a lineage graph covers. */
export type LineageQuery = z.input<typeof s.lineageQuery>;

/** Where a deployment runs. */
export type DeploymentTarget = z.output<typeof s.deploymentTarget>;
/** The states a deployment goes through. */
export type DeploymentStatus = z.output<typeof s.deploymentStatus>;
/** One step of a deployment's status history. */
export type DeploymentStatusChange = z.output<typeof s.deploymentStatusChange>;
/** A version of a model rolled out to an environment. */
export type Deployment = z.output<typeof s.deployment>;
/** The query of a model's deployments, newest first. */
export type ListDeploymentsQuery = z.input<typeof s.listDeploymentsQuery>;
/** Deploy a READY version to a configured environment. */
export type CreateDeploymentRequest = z.input<typeof s.createDeploymentRequest>;
/** Return an environment to an earlier successful deployment. */
export type RollbackDeploymentRequest = z.input<
  typeof s.rollbackDeploymentRequest
>;
/** A pipeline's report on a deployment it runs. */
export type DeploymentStatusReport = z.input<typeof s.deploymentStatusReport>;
/** A configured environment, and what it serves of one model. */
export type ModelEnvironment = z.output<typeof s.modelEnvironment>;
/** Where the analysis of one guardrail stands. */
export type GuardrailSummary = z.output<typeof s.guardrailSummary>;
/** A histogram: `counts[i]` values fell in `[binEdges[i], binEdges[i + 1])`. */
export type Histogram = z.output<typeof s.histogram>;
/** The drift of one feature in one window. */
export type FeatureDrift = z.output<typeof s.featureDrift>;
/** The model-level verdict of a window. */
export type DriftVerdict = z.output<typeof s.driftVerdict>;
/** The drift of a model's production traffic in one window. */
export type DriftReport = z.output<typeof s.driftReport>;
/** The query of a model's drift reports, newest window first. */
export type ListDriftReportsQuery = Omit<
  z.input<typeof s.listDriftReportsQuery>,
  'version'
> & { version?: number };
/** Summary statistics of a numeric feature. */
export type FeatureStats = z.output<typeof s.featureStats>;
/** The training-time distribution of one feature. */
export type FeatureProfile = z.output<typeof s.featureProfile>;
/** The training-time distribution of a numeric feature. */
export type NumericFeatureProfile = z.output<typeof s.numericFeatureProfile>;
/** The training-time distribution of a categorical feature. */
export type CategoricalFeatureProfile = z.output<
  typeof s.categoricalFeatureProfile
>;
/** Production values of one feature counted on the reference's bins. */
export type BinnedFeature = z.output<typeof s.binnedFeature>;
/** A breach of a monitored threshold, or its end. */
export type MonitorEventRequest = z.output<typeof s.monitorEventRequest>;
/** A stored production batch. */
export type DriftBatch = z.output<typeof s.driftBatch>;
/** An on-demand drift check of one environment. */
export type DriftCheckRequest = z.output<typeof s.driftCheckRequest>;
/** What a drift check found. */
export type DriftCheckResult = z.output<typeof s.driftCheckResult>;
/** A log-bucket quantile sketch of a numeric feature. */
export type QuantileSketch = z.output<typeof s.quantileSketch>;
/** The reference distributions drift is measured against, per version. */
export type ReferenceProfile = z.output<typeof s.referenceProfile>;

/** Where a delivery stands: `dead` waits for a manual replay. */
export type DeliveryStatus = z.output<typeof s.deliveryStatus>;
/** One delivery of one event to one subscriber. */
export type Delivery = z.output<typeof s.delivery>;
/** Which deliveries to list, newest event first. */
export type ListDeliveriesQuery = z.input<typeof s.listDeliveriesQuery>;
/** A registered subscriber and how its deliveries stand. */
export type SubscriberSummary = z.output<typeof s.subscriberSummary>;
/** What modules installed through the registry's extension points. */
export type InstalledIntegrations = z.output<typeof s.installedIntegrations>;
