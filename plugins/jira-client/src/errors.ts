/** The error body Jira answers with: general messages and messages per field. */
export type JiraErrorBody = {
  errorMessages?: string[];
  errors?: Record<string, string>;
};

/** Details of a failed Jira request. */
export type JiraErrorDetails = {
  /** HTTP status of Jira's answer. */
  status: number;
  /** The request, e.g. `POST /rest/api/3/issue`. */
  request: string;
  /** Jira's `errorMessages`. */
  errorMessages: string[];
  /** Jira's `errors`: message per field. */
  fieldErrors: Record<string, string>;
};

/** A request Jira answered with an error. */
export class JiraError extends Error {
  readonly status: number;
  readonly request: string;
  readonly errorMessages: string[];
  readonly fieldErrors: Record<string, string>;

  constructor(summary: string, details: JiraErrorDetails) {
    const reasons = [
      ...details.errorMessages,
      ...Object.entries(details.fieldErrors).map(([f, m]) => `${f}: ${m}`),
    ];
    super(
      `Jira ${details.request} failed with ${details.status}: ${summary}${
        reasons.length ? ` (${reasons.join('; ')})` : ''
      }`,
    );
    this.name = 'JiraError';
    this.status = details.status;
    this.request = details.request;
    this.errorMessages = details.errorMessages;
    this.fieldErrors = details.fieldErrors;
  }
}

/** 400: Jira rejected the input; `fieldErrors` says which field and why. */
export class JiraBadRequestError extends JiraError {
  constructor(details: JiraErrorDetails) {
    super('Jira rejected the request', details);
    this.name = 'JiraBadRequestError';
  }
}

/** 401: the credentials are missing, wrong or expired. */
export class JiraAuthenticationError extends JiraError {
  constructor(details: JiraErrorDetails) {
    super(
      'authentication failed; check the email and API token (Cloud) or personal access token (Data Center)',
      details,
    );
    this.name = 'JiraAuthenticationError';
  }
}

/** 403: the account may not do this (project permissions, or a CAPTCHA lock on Data Center). */
export class JiraPermissionError extends JiraError {
  constructor(details: JiraErrorDetails) {
    super('the Jira account is not allowed to do this', details);
    this.name = 'JiraPermissionError';
  }
}

/** 404: the issue, project or transition does not exist or is not visible. */
export class JiraNotFoundError extends JiraError {
  constructor(details: JiraErrorDetails) {
    super('not found, or not visible to the Jira account', details);
    this.name = 'JiraNotFoundError';
  }
}

/** 429 after the configured retries, or a Retry-After longer than allowed. */
export class JiraRateLimitError extends JiraError {
  /** How long Jira asked to wait, in milliseconds, when it said so. */
  readonly retryAfterMs: number | undefined;

  constructor(details: JiraErrorDetails, retryAfterMs: number | undefined) {
    super(
      `rate limited${
        retryAfterMs !== undefined
          ? `, retry after ${Math.ceil(retryAfterMs / 1000)} s`
          : ''
      }`,
      details,
    );
    this.name = 'JiraRateLimitError';
    this.retryAfterMs = retryAfterMs;
  }
}

/** Any other error status (409, 5xx). */
export class JiraServerError extends JiraError {
  constructor(details: JiraErrorDetails) {
    super(details.status >= 500 ? 'Jira failed' : 'unexpected answer', details);
    this.name = 'JiraServerError';
  }
}

/** The typed error for a Jira error answer. */
export function jiraErrorFor(
  details: JiraErrorDetails,
  retryAfterMs?: number,
): JiraError {
  switch (details.status) {
    case 400:
      return new JiraBadRequestError(details);
    case 401:
      return new JiraAuthenticationError(details);
    case 403:
      return new JiraPermissionError(details);
    case 404:
      return new JiraNotFoundError(details);
    case 429:
      return new JiraRateLimitError(details, retryAfterMs);
    default:
      return new JiraServerError(details);
  }
}

/** Reads Jira's error body; anything that is not one yields no messages. */
export function parseJiraErrorBody(text: string): {
  errorMessages: string[];
  fieldErrors: Record<string, string>;
} {
  try {
    const body = JSON.parse(text) as JiraErrorBody;
    const errorMessages = Array.isArray(body.errorMessages)
      ? body.errorMessages.filter(m => typeof m === 'string')
      : [];
    const fieldErrors: Record<string, string> = {};
    if (body.errors && typeof body.errors === 'object') {
      for (const [k, v] of Object.entries(body.errors)) {
        if (typeof v === 'string') fieldErrors[k] = v;
      }
    }
    return { errorMessages, fieldErrors };
  } catch {
    return { errorMessages: [], fieldErrors: {} };
  }
}
