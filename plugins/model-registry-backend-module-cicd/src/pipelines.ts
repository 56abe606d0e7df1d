import { Config } from '@backstage/config';
import { ModelDeploymentTargetError } from '@mlreg/plugin-model-registry-node';

/** What every pipeline receives. */
export interface PipelineParameters {
  model: string;
  version: number;
  artifactUri: string;
  environment: string;
  deploymentId: string;
  /** Where the pipeline reports its status (POST, with a Backstage token). */
  callbackUrl: string;
}

/** A started pipeline run, as far as the CI tells. */
export interface PipelineRun {
  /** The CI's id of the run or queue item, when it says. */
  id?: string;
  url?: string;
}

/** Starts a deployment pipeline of one CI system. */
export interface Pipeline {
  provider: string;
  trigger(parameters: PipelineParameters): Promise<PipelineRun>;
}

/** Statuses a retry cannot fix. */
const PERMANENT = new Set([400, 401, 403, 404, 422]);

async function check(res: Response, what: string): Promise<void> {
  if (res.ok) return;
  let detail = '';
  try {
    detail = (await res.text()).slice(0, 300);
  } catch {
    detail = '';
  }
  throw new ModelDeploymentTargetError(
    `${what} failed with HTTP ${res.status}${detail ? `: ${detail}` : ''}`,
    { retryable: !PERMANENT.has(res.status), status: res.status },
  );
}

async function send(
  url: string,
  init: RequestInit,
  what: string,
  timeoutMs: number,
): Promise<Response> {
  try {
    return await fetch(url, {
      ...init,
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (e) {
    throw new ModelDeploymentTargetError(
      `${what} failed: ${(e as Error).message}`,
      {
        retryable: true,
        cause: e,
      },
    );
  }
}

function baseUrl(config: Config, fallback?: string): string {
  const url = config.getOptionalString('baseUrl') ?? fallback;
  if (!url) throw new Error('cicd.baseUrl is required');
  if (!/^https?:\/\/[^/]/.test(url)) {
    throw new Error(`cicd.baseUrl "${url}" is not an http(s) URL`);
  }
  return url.replace(/\/+$/, '');
}

/** GitHub Actions: `POST /repos/{owner}/{repo}/actions/workflows/{workflow}/dispatches`. */
export function githubPipeline(config: Config, timeoutMs: number): Pipeline {
  const api = baseUrl(config, 'https://api.github.com');
  const owner = config.getString('owner');
  const repo = config.getString('repo');
  const workflow = config.getString('workflow');
  const ref = config.getOptionalString('ref') ?? 'main';
  const token = config.getString('token');
  const url = `${api}/repos/${encodeURIComponent(owner)}/${encodeURIComponent(
    repo,
  )}/actions/workflows/${encodeURIComponent(workflow)}/dispatches`;
  return {
    provider: 'github',
    async trigger(p) {
      const what = `GitHub Actions workflow_dispatch of ${owner}/${repo}/${workflow}`;
      const res = await send(
        url,
        {
          method: 'POST',
          headers: {
            Authorization: `Bearer ${token}`,
            Accept: 'application/vnd.github+json',
            'X-GitHub-Api-Version': '2022-11-28',
            'Content-Type': 'application/json',
          },
          body: JSON.stringify({
            ref,
            inputs: {
              model: p.model,
              version: String(p.version),
              artifact_uri: p.artifactUri,
              environment: p.environment,
              deployment_id: p.deploymentId,
              callback_url: p.callbackUrl,
            },
          }),
        },
        what,
        timeoutMs,
      );
      await check(res, what);
      // 204 without details; 200 with the run when the API returns it
      if (res.status === 200) {
        const run = (await res.json()) as {
          workflow_run_id?: number;
          html_url?: string;
        };
        return {
          id: run.workflow_run_id ? String(run.workflow_run_id) : undefined,
          url: run.html_url,
        };
      }
      return {
        url: `${api.replace(
          'api.github.com',
          'github.com',
        )}/${owner}/${repo}/actions/workflows/${workflow}`,
      };
    },
  };
}

/** GitLab: `POST /api/v4/projects/:id/trigger/pipeline` with a trigger token. */
export function gitlabPipeline(config: Config, timeoutMs: number): Pipeline {
  const api = baseUrl(config, 'https://gitlab.com');
  const project = String(config.get('projectId'));
  const ref = config.getOptionalString('ref') ?? 'main';
  const token = config.getString('triggerToken');
  const url = `${api}/api/v4/projects/${encodeURIComponent(
    project,
  )}/trigger/pipeline`;
  return {
    provider: 'gitlab',
    async trigger(p) {
      const what = `GitLab pipeline trigger of project ${project}`;
      const form = new URLSearchParams({ token, ref });
      for (const [key, value] of Object.entries({
        MODEL: p.model,
        VERSION: String(p.version),
        ARTIFACT_URI: p.artifactUri,
        ENVIRONMENT: p.environment,
        DEPLOYMENT_ID: p.deploymentId,
        CALLBACK_URL: p.callbackUrl,
      })) {
        form.append(`variables[${key}]`, value);
      }
      const res = await send(
        url,
        { method: 'POST', body: form },
        what,
        timeoutMs,
      );
      await check(res, what);
      const pipeline = (await res.json()) as { id?: number; web_url?: string };
      return {
        id: pipeline.id === undefined ? undefined : String(pipeline.id),
        url: pipeline.web_url,
      };
    },
  };
}

/**
 * Jenkins: `POST /job/.../buildWithParameters`, with a CSRF crumb from
 * `/crumbIssuer/api/json` sent with the session cookie it was issued for.
 */
export function jenkinsPipeline(config: Config, timeoutMs: number): Pipeline {
  const base = baseUrl(config);
  const job = config.getString('job');
  const auth = `Basic ${Buffer.from(
    `${config.getString('username')}:${config.getString('apiToken')}`,
  ).toString('base64')}`;
  const jobPath = job
    .split('/')
    .filter(Boolean)
    .map(part => `/job/${encodeURIComponent(part)}`)
    .join('');
  return {
    provider: 'jenkins',
    async trigger(p) {
      const what = `Jenkins buildWithParameters of ${job}`;
      const headers: Record<string, string> = { Authorization: auth };
      const crumbRes = await send(
        `${base}/crumbIssuer/api/json`,
        { headers: { Authorization: auth } },
        `${what} (crumb)`,
        timeoutMs,
      );
      if (crumbRes.status !== 404) {
        // 404: CSRF protection is off
        await check(crumbRes, `${what} (crumb)`);
        const crumb = (await crumbRes.json()) as {
          crumb: string;
          crumbRequestField: string;
        };
        headers[crumb.crumbRequestField] = crumb.crumb;
        const cookies = crumbRes.headers
          .getSetCookie()
          .map(c => c.split(';')[0]);
        if (cookies.length) headers.Cookie = cookies.join('; ');
      }
      const res = await send(
        `${base}${jobPath}/buildWithParameters`,
        {
          method: 'POST',
          headers,
          body: new URLSearchParams({
            MODEL: p.model,
            VERSION: String(p.version),
            ARTIFACT_URI: p.artifactUri,
            ENVIRONMENT: p.environment,
            DEPLOYMENT_ID: p.deploymentId,
            CALLBACK_URL: p.callbackUrl,
          }),
          redirect: 'manual',
        },
        what,
        timeoutMs,
      );
      await check(res, what);
      const queue = res.headers.get('location') ?? undefined;
      return { id: queue?.match(/\/queue\/item\/(\d+)/)?.[1], url: queue };
    },
  };
}

/** The pipeline of an environment's `cicd` block; throws a configuration error. */
export function createPipeline(config: Config, timeoutMs: number): Pipeline {
  const provider = config.getString('provider');
  switch (provider) {
    case 'github':
      return githubPipeline(config, timeoutMs);
    case 'gitlab':
      return gitlabPipeline(config, timeoutMs);
    case 'jenkins':
      return jenkinsPipeline(config, timeoutMs);
    default:
      throw new Error(
        `cicd.provider must be github, gitlab or jenkins, not "${provider}"`,
      );
  }
}
