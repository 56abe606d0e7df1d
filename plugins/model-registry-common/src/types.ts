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
  owner?: string;
  limit?: number;
  cursor?: string;
}

/** The answer of the health endpoint. */
export interface HealthStatus {
  status: 'ok';
}
