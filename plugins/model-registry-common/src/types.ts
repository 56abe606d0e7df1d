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
  kind: 'model' | 'version' | 'dataset' | 'run' | 'commit' | 'component';
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
    | 'consumes';
}

/** The lineage graph of a model. */
export interface LineageGraph {
  nodes: LineageNode[];
  edges: LineageEdge[];
}
