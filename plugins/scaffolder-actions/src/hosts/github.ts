import { InputError } from '@backstage/errors';
import { getOctokitOptions } from '@backstage/plugin-scaffolder-backend-module-github';
import { Octokit } from 'octokit';
import { hostError } from './hostErrors';
import { HostOptions, RepositoryHost, RepositorySettings } from './types';

function describe(error: unknown): { status?: number; detail: string } {
  const e = error as {
    status?: number;
    message?: string;
    response?: { data?: { message?: string; errors?: { message?: string }[] } };
  };
  const data = e.response?.data;
  const extra = data?.errors
    ?.map(x => x.message)
    .filter(Boolean)
    .join('; ');
  return {
    status: e.status,
    detail: [data?.message ?? e.message ?? String(error), extra]
      .filter(Boolean)
      .join(': '),
  };
}

/** Repositories on GitHub (github.com or Enterprise), through its REST API. */
export async function githubHost(
  options: HostOptions,
): Promise<RepositoryHost> {
  const { integrations, host, owner, repo, logger } = options;
  if (!integrations.github.byHost(host)) {
    throw new InputError(
      `No GitHub integration is configured for host ${host}; add it under integrations.github in app-config.yaml`,
    );
  }
  const octokitOptions = await getOctokitOptions({
    integrations,
    host,
    owner,
    repo,
    token: options.token,
  }).catch(error => {
    throw new InputError(
      `No credentials for ${host}/${owner}: ${describe(error).detail}`,
    );
  });
  const token = String(octokitOptions.auth ?? '');
  // Octokit retries 5xx and waits out rate limits itself.
  const octokit = new Octokit({ ...octokitOptions, log: logger });
  const call = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (error) {
      const { status, detail } = describe(error);
      throw hostError(what, host, status, detail);
    }
  };

  return {
    kind: 'github',
    pushAuth: { username: 'x-access-token', password: token },

    async create(settings: RepositorySettings) {
      const owners = await call(`Looking up owner ${owner}`, () =>
        octokit.rest.users.getByUsername({ username: owner }),
      );
      const body = {
        name: repo,
        description: settings.description,
        // GitHub's "internal" needs Enterprise; private is the safe equivalent.
        private: settings.visibility !== 'public',
        has_wiki: false,
      };
      const created = await call(`Creating repository ${owner}/${repo}`, () =>
        owners.data.type === 'Organization'
          ? octokit.rest.repos.createInOrg({ org: owner, ...body })
          : octokit.rest.repos.createForAuthenticatedUser(body),
      );
      await call(`Setting the topics of ${owner}/${repo}`, () =>
        octokit.rest.repos.replaceAllTopics({
          owner,
          repo,
          names: settings.topics,
        }),
      );
      return {
        repoUrl: created.data.html_url,
        remoteUrl: created.data.clone_url,
      };
    },

    async afterPush(settings: RepositorySettings) {
      const notes: string[] = [];
      if (settings.protectDefaultBranch) {
        try {
          await octokit.rest.repos.updateBranchProtection({
            owner,
            repo,
            branch: settings.defaultBranch,
            required_status_checks: null,
            enforce_admins: false,
            required_pull_request_reviews: {
              required_approving_review_count: settings.requiredApprovals,
            },
            restrictions: null,
          });
        } catch (error) {
          const { status, detail } = describe(error);
          // Private repositories on free plans have no branch protection.
          if (status !== 403) {
            throw hostError(
              `Protecting branch ${settings.defaultBranch} of ${owner}/${repo}`,
              host,
              status,
              detail,
            );
          }
          notes.push(
            `branch protection is not available for ${owner}/${repo}: ${detail}`,
          );
        }
      }
      if (settings.webhook) {
        const { url, secret, events } = settings.webhook;
        const hooks = await call(
          `Listing the webhooks of ${owner}/${repo}`,
          () => octokit.rest.repos.listWebhooks({ owner, repo }),
        );
        // A retried step finds the hook it created before.
        if (!hooks.data.some(h => h.config?.url === url)) {
          await call(`Adding the registry webhook to ${owner}/${repo}`, () =>
            octokit.rest.repos.createWebhook({
              owner,
              repo,
              name: 'web',
              active: true,
              events,
              config: { url, secret, content_type: 'json', insecure_ssl: '0' },
            }),
          );
        }
      }
      return notes;
    },
  };
}
