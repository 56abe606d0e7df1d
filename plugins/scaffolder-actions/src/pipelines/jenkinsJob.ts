import { ConflictError } from '@backstage/errors';
import { hostError } from '../hosts/hostErrors';

/** How to reach Jenkins: `modelRegistry.scaffolder.jenkins`. */
export type JenkinsOptions = {
  baseUrl: string;
  username: string;
  apiToken: string;
};

function xml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** config.xml of a pipeline job that runs the repository's Jenkinsfile. */
export function pipelineJobXml(options: {
  description: string;
  remoteUrl: string;
  branch: string;
  credentialsId?: string;
}): string {
  return `<?xml version='1.1' encoding='UTF-8'?>
<flow-definition plugin="workflow-job">
  <description>${xml(options.description)}</description>
  <keepDependencies>false</keepDependencies>
  <definition class="org.jenkinsci.plugins.workflow.cps.CpsScmFlowDefinition" plugin="workflow-cps">
    <scm class="hudson.plugins.git.GitSCM" plugin="git">
      <configVersion>2</configVersion>
      <userRemoteConfigs>
        <hudson.plugins.git.UserRemoteConfig>
          <url>${xml(options.remoteUrl)}</url>${
    options.credentialsId
      ? `\n          <credentialsId>${xml(
          options.credentialsId,
        )}</credentialsId>`
      : ''
  }
        </hudson.plugins.git.UserRemoteConfig>
      </userRemoteConfigs>
      <branches>
        <hudson.plugins.git.BranchSpec>
          <name>*/${xml(options.branch)}</name>
        </hudson.plugins.git.BranchSpec>
      </branches>
    </scm>
    <scriptPath>Jenkinsfile</scriptPath>
    <lightweight>true</lightweight>
  </definition>
  <disabled>false</disabled>
</flow-definition>
`;
}

/**
 * Creates a pipeline job through Jenkins' remote API, or updates its
 * config.xml when it exists (so a retried step converges). Asks the crumb
 * issuer for a CSRF crumb and sends it with the session cookie it belongs to.
 */
export async function upsertJenkinsJob(
  jenkins: JenkinsOptions,
  job: { name: string; folder?: string; configXml: string },
): Promise<{ url: string; created: boolean }> {
  const base = jenkins.baseUrl.replace(/\/+$/, '');
  const host = new URL(base).host;
  const folderPath = (job.folder ?? '')
    .split('/')
    .filter(Boolean)
    .map(f => `/job/${encodeURIComponent(f)}`)
    .join('');
  const authorization = `Basic ${Buffer.from(
    `${jenkins.username}:${jenkins.apiToken}`,
  ).toString('base64')}`;
  const headers: Record<string, string> = { Authorization: authorization };

  const crumb = await fetch(`${base}/crumbIssuer/api/json`, { headers });
  if (crumb.ok) {
    const { crumb: value, crumbRequestField } = (await crumb.json()) as {
      crumb: string;
      crumbRequestField: string;
    };
    headers[crumbRequestField] = value;
    const cookie = crumb.headers.get('set-cookie');
    if (cookie) headers.Cookie = cookie.split(';')[0];
  } else if (crumb.status !== 404) {
    // 404: CSRF protection is off, no crumb needed.
    throw hostError(
      'Getting a CSRF crumb',
      host,
      crumb.status,
      crumb.statusText,
    );
  }

  const jobUrl = `${base}${folderPath}/job/${encodeURIComponent(job.name)}`;
  const exists = await fetch(`${jobUrl}/api/json`, { headers });
  if (!exists.ok && exists.status !== 404) {
    throw hostError(
      `Reading job ${job.name}`,
      host,
      exists.status,
      exists.statusText,
    );
  }
  const target = exists.ok
    ? `${jobUrl}/config.xml`
    : `${base}${folderPath}/createItem?name=${encodeURIComponent(job.name)}`;
  const response = await fetch(target, {
    method: 'POST',
    headers: { ...headers, 'Content-Type': 'application/xml' },
    body: job.configXml,
  });
  if (!response.ok) {
    const detail =
      (response.headers.get('x-error') ??
        (await response.text()).slice(0, 200)) ||
      response.statusText;
    if (response.status === 400 && /already exists/i.test(detail)) {
      throw new ConflictError(
        `Jenkins job ${job.name} already exists: ${detail}`,
      );
    }
    throw hostError(
      `Creating Jenkins job ${job.name}`,
      host,
      response.status,
      detail,
    );
  }
  return { url: `${jobUrl}/`, created: !exists.ok };
}
