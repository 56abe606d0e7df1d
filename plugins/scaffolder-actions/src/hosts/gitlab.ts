import { InputError } from '@backstage/errors';
import { hostError } from './hostErrors';
import { HostOptions, RepositoryHost, RepositorySettings } from './types';

function messageOf(body: unknown): string {
  const message =
    (body as { message?: unknown; error?: unknown })?.message ??
    (body as { error?: unknown })?.error;
  if (typeof message === 'string') return message;
  if (message && typeof message === 'object') {
    // {"name": ["has already been taken"], ...}
    return Object.entries(message as Record<string, unknown>)
      .map(([k, v]) => `${k} ${Array.isArray(v) ? v.join(', ') : String(v)}`)
      .join('; ');
  }
  return '';
}

/** Projects on GitLab (gitlab.com or self-managed), through its REST API v4. */
export function gitlabHost(options: HostOptions): RepositoryHost {
  const { integrations, host, owner, repo } = options;
  const integration = integrations.gitlab.byHost(host);
  if (!integration) {
    throw new InputError(
      `No GitLab integration is configured for host ${host}; add it under integrations.gitlab in app-config.yaml`,
    );
  }
  const token = options.token ?? integration.config.token;
  if (!token) {
    throw new InputError(
      `The GitLab integration for ${host} has no token, and the template passed none`,
    );
  }
  const api = integration.config.apiBaseUrl.replace(/\/+$/, '');
  const request = async <T>(
    what: string,
    method: string,
    path: string,
    body?: unknown,
    accept: number[] = [],
  ): Promise<{ status: number; data: T }> => {
    const response = await fetch(`${api}${path}`, {
      method,
      headers: {
        // A personal/group access token, or a user's OAuth token.
        ...(options.token
          ? { Authorization: `Bearer ${token}` }
          : { 'PRIVATE-TOKEN': token }),
        ...(body ? { 'Content-Type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    let data: unknown;
    try {
      data = text ? JSON.parse(text) : undefined;
    } catch {
      data = text;
    }
    if (!response.ok && !accept.includes(response.status)) {
      throw hostError(
        what,
        host,
        response.status,
        messageOf(data) || response.statusText,
      );
    }
    return { status: response.status, data: data as T };
  };
  let projectId: number | undefined;

  return {
    kind: 'gitlab',
    pushAuth: { username: 'oauth2', password: token },

    async create(settings: RepositorySettings) {
      const namespace = await request<{ id: number }>(
        `Looking up group or user ${owner}`,
        'GET',
        `/namespaces/${encodeURIComponent(owner)}`,
      );
      const created = await request<{
        id: number;
        web_url: string;
        http_url_to_repo: string;
      }>(`Creating project ${owner}/${repo}`, 'POST', '/projects', {
        name: repo,
        path: repo,
        namespace_id: namespace.data.id,
        description: settings.description,
        visibility: settings.visibility,
        topics: settings.topics,
        default_branch: settings.defaultBranch,
      });
      projectId = created.data.id;
      return {
        repoUrl: created.data.web_url,
        remoteUrl: created.data.http_url_to_repo,
      };
    },

    async afterPush(settings: RepositorySettings) {
      const id = projectId ?? encodeURIComponent(`${owner}/${repo}`);
      if (settings.protectDefaultBranch) {
        // GitLab may already protect the default branch after the first push.
        await request(
          `Protecting branch ${settings.defaultBranch} of ${owner}/${repo}`,
          'POST',
          `/projects/${id}/protected_branches`,
          {
            name: settings.defaultBranch,
            push_access_level: 40,
            merge_access_level: 30,
          },
          [409],
        );
      }
      return [];
    },
  };
}
