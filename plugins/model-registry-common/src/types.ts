/** Links from a model to the places its team works in. */
export interface ModelLinks {
  /** URL of the source repository. */
  repoUrl?: string;
  /** Jira project key, e.g. `FRAUD`. */
  jiraProject?: string;
  /** Slack channel, e.g. `#fraud-ml`. */
  slackChannel?: string;
}

/** A registered model, as the REST API returns it. */
export interface Model {
  name: string;
  /** Catalog entity ref of the owning group or user, e.g. `group:default/data-science`. */
  owner: string;
  description: string;
  /** Task type, e.g. `classification`. */
  task?: string;
  framework?: string;
  tags: string[];
  links: ModelLinks;
  archived: boolean;
  /** The highest version number handed out; absent before the first version. */
  latestVersion?: number;
  /** Alias → version number, e.g. `{ "champion": 3 }`. */
  aliases: Record<string, number>;
  /** The metric that ranks this model's versions, e.g. `auc`. */
  keyMetric?: string;
  /**
   * The key metric on the `production` version, else on the latest READY
   * version (its final step); absent when neither carries it.
   */
  keyMetricValue?: { key: string; value: number; version: number };
  /** Drift verdict and last deployment, as far as the registry knows them. */
  health: ModelHealth;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
}

/** The fields a client sends to register a model. */
export interface CreateModelRequest {
  name: string;
  owner: string;
  description?: string;
  task?: string;
  framework?: string;
  tags?: string[];
  links?: ModelLinks;
  /** The metric that ranks the model's versions, e.g. `auc`. */
  keyMetric?: string;
}

/** One page of a list, with the cursor of the next page when there is one. */
export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

/** Query of the model list. */
export interface ListModelsQuery {
  /** Substring of the model name. */
  search?: string;
  /** Prefix of the model name. */
  prefix?: string;
  owner?: string;
  tag?: string;
  framework?: string;
  task?: string;
  /** Only models with this alias set, e.g. `production`. */
  alias?: string;
  /**
   * By the verdict of the newest drift report: `drifting`, `stable`, or
   * `unmonitored` (no report yet).
   */
  drift?: 'drifting' | 'stable' | 'unmonitored';
  archived?: 'exclude' | 'only' | 'include';
  sort?: 'name' | 'createdAt' | 'updatedAt';
  order?: 'asc' | 'desc';
  limit?: number;
  cursor?: string;
}

/** The fields of a model that can change. */
export interface UpdateModelRequest {
  owner?: string;
  description?: string;
  task?: string | null;
  framework?: string | null;
  tags?: string[];
  links?: ModelLinks;
  keyMetric?: string | null;
}

/** Query of a version list or search. */
export interface ListVersionsQuery {
  /** Only versions of this model (search across models otherwise). */
  model?: string;
  status?: ModelVersionStatus;
  tag?: string;
  /** Metric conditions such as `accuracy>=0.9`. */
  metric?: string[];
  /** ISO 8601 timestamps. */
  createdAfter?: string;
  createdBefore?: string;
  order?: 'asc' | 'desc';
  limit?: number;
  cursor?: string;
}

/** One row of a side-by-side comparison. */
export interface ComparisonRow {
  key: string;
  /** Value per version number; null where the version has none. */
  values: Record<string, string | number | boolean | null>;
  differs: boolean;
}

/** Versions side by side. */
export interface VersionComparison {
  versions: ModelVersion[];
  parameters: ComparisonRow[];
  metrics: ComparisonRow[];
  datasets: ComparisonRow[];
  artifacts: ComparisonRow[];
}

/** One point of a metric trend. */
export interface MetricTrendPoint {
  version: number;
  value: number;
  dataset?: string;
  step?: number;
}

/** A KPI value as a client records it. */
export interface SetKpiRequest {
  value: number;
  unit?: string;
  period?: string;
  source?: string;
  /** Attach the KPI to a version instead of the model. */
  version?: number;
}

/** Query of the audit trail of a model. */
export interface AuditQuery {
  version?: number;
  action?: string;
  actor?: string;
  limit?: number;
  cursor?: string;
}

/** The answer of the health endpoint. */
export interface HealthStatus {
  status: 'ok';
}

/** Lifecycle of a version: PENDING until its artifact is stored. */
export type ModelVersionStatus = 'PENDING' | 'READY' | 'FAILED';

/** One metric value of a version. */
export interface Metric {
  key: string;
  value: number;
  /** Data set the metric was computed on, e.g. `holdout-2026-10`. */
  dataset?: string;
  /** Training step or epoch. */
  step?: number;
}

/** A data set a version was trained or evaluated on. */
export interface DatasetUse {
  role: 'training' | 'evaluation' | 'other';
  /** Catalog Resource ref, e.g. `resource:default/card-transactions`. */
  entityRef?: string;
  uri?: string;
  digest?: string;
}

/** The model card of a version. */
export interface ModelCard {
  intendedUse?: string;
  limitations?: string;
  trainingData?: string;
  evaluationData?: string;
  ethicalConsiderations?: string;
  license?: string;
}

/** The stored artifact of a version. */
export interface Artifact {
  /** Where the bytes are: the registry's own store (`registry`) or an external URI. */
  location: 'registry' | 'external';
  uri?: string;
  sha256?: string;
  size?: number;
  format?: string;
}

/** The version a version was derived from, possibly of another model. */
export interface ParentVersion {
  model: string;
  version: number;
  relation: 'fine-tuned' | 'distilled' | 'retrained';
}

/** A version of a model, as the REST API returns it. */
export interface ModelVersion {
  model: string;
  version: number;
  status: ModelVersionStatus;
  description: string;
  aliases: string[];
  source: { runId?: string; commit?: string; uri?: string };
  artifact?: Artifact;
  parameters: Record<string, string | number | boolean>;
  metrics: Metric[];
  datasets: DatasetUse[];
  tags: string[];
  modelCard: ModelCard;
  annotations: Record<string, string>;
  parent?: ParentVersion;
  failureReason?: string;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
}

/** The fields a client sends to register a version. */
export interface RegisterVersionRequest {
  description?: string;
  source?: { runId?: string; commit?: string; uri?: string };
  /** An artifact kept elsewhere; without it, upload one to make the version READY. */
  artifact?: { uri: string; sha256?: string; size?: number; format?: string };
  /** Format of an artifact that will be uploaded, e.g. `onnx`. */
  artifactFormat?: string;
  parameters?: Record<string, string | number | boolean>;
  metrics?: Metric[];
  datasets?: DatasetUse[];
  tags?: string[];
  modelCard?: ModelCard;
  annotations?: Record<string, string>;
  parent?: ParentVersion;
}

/** An alias and the version it points to. */
export interface ModelAlias {
  alias: string;
  version: number;
  updatedAt: string;
  updatedBy: string;
}

/** A business KPI of a model or one of its versions. */
export interface Kpi {
  name: string;
  value: number;
  unit: string;
  period: string;
  source: string;
  version?: number;
  updatedAt: string;
  updatedBy: string;
}

/** A record of the audit trail. */
export interface AuditRecord {
  id: string;
  action: string;
  actor: string;
  target: string;
  model?: string;
  version?: number;
  before?: unknown;
  after?: unknown;
  requestId?: string;
  createdAt: string;
}

/** A node of a lineage graph. */
export interface LineageNode {
  /** Unique within the graph, e.g. `version:fraud-detector/3`. */
  id: string;
  kind:
    | 'model'
    | 'version'
    | 'dataset'
    | 'run'
    | 'commit'
    | 'component'
    | 'deployment';
  label: string;
  /** Catalog entity ref when the node is a catalog entity. */
  entityRef?: string;
}

/** A typed edge of a lineage graph. */
export interface LineageEdge {
  from: string;
  to: string;
  type:
    | 'versionOf'
    | 'trainedOn'
    | 'evaluatedOn'
    | 'producedBy'
    | 'builtFrom'
    | 'derivedFrom'
    | 'consumes'
    | 'deployedAs';
}

/** The lineage graph of a model. */
export interface LineageGraph {
  nodes: LineageNode[];
  edges: LineageEdge[];
}

/** Where a deployment runs. */
export interface DeploymentTarget {
  cluster: string;
  namespace: string;
  /** What serves the model, e.g. `kserve` or `deployment`. */
  kind: string;
}

/** The states a deployment goes through. */
export type DeploymentStatus =
  | 'pending'
  | 'progressing'
  | 'succeeded'
  | 'failed'
  | 'rolled-back';

/** One step of a deployment's status history. */
export interface DeploymentStatusChange {
  status: DeploymentStatus;
  at: string;
  message?: string;
}

/** A version of a model rolled out to an environment. */
export interface Deployment {
  id: string;
  model: string;
  version: number;
  /** e.g. `staging`, `production`. */
  environment: string;
  target: DeploymentTarget;
  status: DeploymentStatus;
  /** The version this deployment replaced in its environment, for rollbacks. */
  replacedVersion?: number;
  /** Oldest first; the last entry is the current status. */
  history: DeploymentStatusChange[];
  createdAt: string;
  createdBy: string;
  updatedAt: string;
}

/** The query of a model's deployments, newest first. */
export interface ListDeploymentsQuery {
  environment?: string;
  limit?: number;
  cursor?: string;
}

/** A histogram: `counts[i]` values fell in `[binEdges[i], binEdges[i + 1])`. */
export interface Histogram {
  binEdges: number[];
  counts: number[];
}

/** The drift of one feature in one window. */
export interface FeatureDrift {
  feature: string;
  /** The statistic's name, e.g. `psi`, `ks`, `wasserstein`. */
  method: string;
  score: number;
  /** The feature drifts when its score reaches the threshold. */
  threshold: number;
  drifted: boolean;
  /** The production distribution in this window, on the reference's bins. */
  current?: Histogram;
}

/** The model-level verdict of a window. */
export type DriftVerdict = 'drift' | 'no-drift';

/** The drift of a model's production traffic in one window. */
export interface DriftReport {
  id: string;
  model: string;
  /** The version that served during the window. */
  version: number;
  windowStart: string;
  windowEnd: string;
  verdict: DriftVerdict;
  /** Share of features that drifted, 0..1. */
  driftedShare: number;
  /** Whether the drift is bad enough to retrain the model. */
  retrainingSuggested: boolean;
  features: FeatureDrift[];
  createdAt: string;
}

/** The query of a model's drift reports, newest window first. */
export interface ListDriftReportsQuery {
  version?: number;
  /** Only windows that end at or after this time. */
  since?: string;
  limit?: number;
  cursor?: string;
}

/** Summary statistics of a numeric feature. */
export interface FeatureStats {
  count: number;
  mean?: number;
  std?: number;
  min?: number;
  max?: number;
  missing?: number;
}

/** The training-time distribution of one feature. */
export interface FeatureProfile {
  feature: string;
  histogram: Histogram;
  stats: FeatureStats;
}

/** The reference distributions drift is measured against, per version. */
export interface ReferenceProfile {
  model: string;
  version: number;
  features: FeatureProfile[];
  createdAt: string;
}

/** How a model does in production, for lists and health badges. */
export interface ModelHealth {
  /** The verdict of the newest drift report; absent when none exists. */
  drift?: { verdict: DriftVerdict; windowEnd: string; version: number };
  /** The newest deployment of any environment; absent when never deployed. */
  lastDeployment?: {
    environment: string;
    version: number;
    status: DeploymentStatus;
    at: string;
  };
}

/** The figures at the top of the Models page, over the models a user may read. */
export interface PortfolioSummary {
  models: number;
  /** Models with a `production` alias. */
  inProduction: number;
  /** Models whose newest drift report says `drift`. */
  drifting: number;
  /** Models whose newest deployment failed. */
  failedDeployments: number;
  /** Models whose owner is not an entity of the catalog. */
  withoutOwner: number;
  /** Models whose latest version has no model card fields, or no version. */
  withoutModelCard: number;
}
