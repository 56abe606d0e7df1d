import {
  DiscoveryService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { ScmIntegrationRegistry } from '@backstage/integration';
import {
  createTemplateAction,
  getRepoSourceDirectory,
  parseRepoUrl,
} from '@backstage/plugin-scaffolder-node';
import fs from 'node:fs';
import {
  ensureBareRepository,
  localRemotePath,
  pushWorkspace,
} from '../hosts/git';
import { githubHost } from '../hosts/github';
import { gitlabHost } from '../hosts/gitlab';
import { localHost } from '../hosts/local';
import { RepositoryHost, RepositorySettings } from '../hosts/types';
import { LOCAL_GIT_PATH, readLocalGitConfig } from '../localGit/localGitRouter';
import { z } from 'zod/v3';
import { examples } from './repoCreate.examples';
import { parseInput } from './parseInput';

/** The topic every model repository gets. */
export const MODEL_REPOSITORY_TOPIC = 'ml-model';

/** Events of a model repository the registry's GitHub webhook receives. */
export const REGISTRY_WEBHOOK_EVENTS = ['push', 'release', 'workflow_run'];

/** The host name of `repoUrl` that means the configured local directory. */
export const LOCAL_HOST = 'local';

type Target =
  | { kind: 'host'; host: string; owner?: string; repo: string }
  | { kind: 'remote'; remoteUrl: string };

function parseTarget(
  input: { repoUrl?: string; remoteUrl?: string },
  integrations: ScmIntegrationRegistry,
): Target {
  if (!!input.repoUrl === !!input.remoteUrl) {
    throw new InputError(
      'Give exactly one of repoUrl (host?owner=...&repo=..., e.g. github.com?owner=acme&repo=churn or local?repo=churn) and remoteUrl (any git remote)',
    );
  }
  if (input.remoteUrl) return { kind: 'remote', remoteUrl: input.remoteUrl };
  const repoUrl = input.repoUrl!;
  let parsed: URL;
  try {
    parsed = new URL(`https://${repoUrl}`);
  } catch {
    throw new InputError(
      `Invalid repoUrl ${repoUrl}: expected host?owner=...&repo=...`,
    );
  }
  if (parsed.host === LOCAL_HOST) {
    const repo = parsed.searchParams.get('repo');
    if (!repo) throw new InputError(`Invalid repoUrl ${repoUrl}: missing repo`);
    return {
      kind: 'host',
      host: LOCAL_HOST,
      owner: parsed.searchParams.get('owner') || undefined,
      repo,
    };
  }
  const type = integrations.byHost(parsed.host)?.type;
  if (type && type !== 'github' && type !== 'gitlab') {
    throw new InputError(
      `Host ${parsed.host} is a ${type} integration; model repositories can be created on GitHub, GitLab or "local" (use remoteUrl to push anywhere else)`,
    );
  }
  // Names the missing integration when the host has none.
  const { host, owner, repo } = parseRepoUrl(repoUrl, integrations);
  if (!owner) throw new InputError(`Invalid repoUrl ${repoUrl}: missing owner`);
  return { kind: 'host', host, owner, repo };
}

const inputSchema = z.object({
  repoUrl: z
    .string({
      description:
        'Where to create the repository: host?owner=...&repo=... with the host of a GitHub or GitLab integration, or "local" for the configured directory of bare repositories',
    })
    .optional(),
  remoteUrl: z
    .string({
      description:
        'Instead of repoUrl: an existing git remote to push to (http(s) URL, or absolute path / file:// URL of a bare repository, created if missing)',
    })
    .optional(),
  description: z
    .string({ description: 'Repository description' })
    .max(350)
    .optional(),
  topics: z
    .array(
      z
        .string()
        .regex(
          /^[a-z0-9][a-z0-9-]{0,49}$/,
          'topics are lowercase letters, digits and -',
        ),
      {
        description: `Topics besides "${MODEL_REPOSITORY_TOPIC}", which is always set`,
      },
    )
    .default([]),
  defaultBranch: z
    .string({ description: 'Default branch' })
    .regex(/^[A-Za-z0-9][A-Za-z0-9._/-]{0,99}$/, 'not a branch name')
    .default('main'),
  visibility: z.enum(['private', 'internal', 'public']).default('private'),
  protectDefaultBranch: z
    .boolean({
      description: 'Protect the default branch where the host supports it',
    })
    .default(true),
  requiredApprovals: z
    .number({
      description:
        'Approvals a pull request to the default branch needs (GitHub)',
    })
    .int()
    .min(0)
    .max(6)
    .default(1),
  sourcePath: z
    .string({ description: 'Directory of the workspace to push' })
    .optional(),
  commitMessage: z
    .string({ description: 'Message of the first commit' })
    .default('Initial commit'),
  token: z
    .string({
      description:
        "The user's token for the host (RepoUrlPicker requestUserCredentials); the integration's otherwise",
    })
    .optional(),
});

/** Where catalog:register finds the default branch's files. */
function contentsUrl(
  kind: RepositoryHost['kind'] | undefined,
  repoUrl: string,
  branch: string,
): string {
  if (kind === 'github') return `${repoUrl}/blob/${branch}`;
  if (kind === 'gitlab') return `${repoUrl}/-/blob/${branch}`;
  // A local repository or a plain remote has no browsable contents.
  return repoUrl;
}

/**
 * `model-registry:repo:create`: creates the model's repository from the
 * workspace on GitHub, GitLab or in the local directory of bare repositories,
 * or pushes the workspace to any git remote.
 */
export function createRepoCreateAction(options: {
  integrations: ScmIntegrationRegistry;
  config: RootConfigService;
  discovery: DiscoveryService;
}) {
  const { integrations, config, discovery } = options;
  const localGit = readLocalGitConfig(config);
  const webhookSecret = config.getOptionalString(
    'modelRegistry.github.webhookSecret',
  );
  const webhookUrl = config.getOptionalString(
    'modelRegistry.github.webhookUrl',
  );

  return createTemplateAction({
    id: 'model-registry:repo:create',
    description:
      'Creates the model repository from the workspace on GitHub, GitLab or a local bare repository (topics, default branch, branch protection, registry webhook), or pushes it to any git remote.',
    examples,
    supportsDryRun: true,
    schema: {
      input: () => inputSchema,
      output: {
        repoUrl: () =>
          z.string({
            description:
              'Web URL of the repository (file:// URL for a local one)',
          }),
        remoteUrl: () => z.string({ description: 'The git remote pushed to' }),
        repoContentsUrl: () =>
          z.string({
            description:
              'URL of the default branch contents, for catalog:register',
          }),
        commitHash: () =>
          z.string({ description: 'The pushed commit' }).optional(),
      },
    },
    async handler(ctx) {
      const input = parseInput(inputSchema, ctx.input);
      const target = parseTarget(input, integrations);
      const settings: RepositorySettings = {
        description: input.description,
        topics: [...new Set([MODEL_REPOSITORY_TOPIC, ...input.topics])],
        visibility: input.visibility,
        defaultBranch: input.defaultBranch,
        protectDefaultBranch: input.protectDefaultBranch,
        requiredApprovals: input.requiredApprovals,
      };

      let host: RepositoryHost | undefined;
      if (target.kind === 'host') {
        const type =
          target.host === LOCAL_HOST
            ? 'local'
            : integrations.byHost(target.host)?.type;
        const hostOptions = {
          integrations,
          host: target.host,
          owner: target.owner ?? '',
          repo: target.repo,
          token: input.token,
          logger: ctx.logger,
        };
        if (type === 'github') {
          host = await githubHost(hostOptions);
          if (webhookSecret) {
            settings.webhook = {
              url:
                webhookUrl ??
                `${await discovery.getExternalBaseUrl(
                  'model-registry',
                )}/webhooks/github`,
              secret: webhookSecret,
              events: REGISTRY_WEBHOOK_EVENTS,
            };
          }
        } else if (type === 'gitlab') {
          host = gitlabHost(hostOptions);
        } else {
          // parseTarget admits only GitHub, GitLab and local hosts.
          host = localHost({
            rootDir: localGit?.rootDir,
            servedAt: localGit?.serve
              ? `${await discovery.getExternalBaseUrl(
                  'scaffolder',
                )}${LOCAL_GIT_PATH}`
              : undefined,
            owner: target.owner,
            repo: target.repo,
          });
        }
      }
      const sourceDir = getRepoSourceDirectory(
        ctx.workspacePath,
        input.sourcePath,
      );
      if (!fs.existsSync(sourceDir)) {
        throw new InputError(`Nothing to push: ${sourceDir} does not exist`);
      }
      const key =
        target.kind === 'host'
          ? `${target.host}/${target.owner ?? ''}/${target.repo}`
          : target.remoteUrl;

      if (ctx.isDryRun) {
        const repoUrl =
          target.kind === 'remote'
            ? target.remoteUrl
            : `https://${target.host}/${target.owner ?? ''}/${target.repo}`;
        ctx.logger.info(`Dry run: would create ${key} and push ${sourceDir}`);
        ctx.output('repoUrl', repoUrl);
        ctx.output('remoteUrl', repoUrl);
        ctx.output('repoContentsUrl', repoUrl);
        return;
      }

      const created = await ctx.checkpoint({
        key: `model-registry.repo.create.${key}`,
        fn: async () => {
          if (host) return host.create(settings);
          const local = localRemotePath(
            target.kind === 'remote' ? target.remoteUrl : '',
          );
          if (local) await ensureBareRepository(local, settings.defaultBranch);
          const remoteUrl = (target as { remoteUrl: string }).remoteUrl;
          return { repoUrl: remoteUrl, remoteUrl };
        },
      });
      const { commitHash } = await ctx.checkpoint({
        key: `model-registry.repo.push.${key}`,
        fn: () =>
          pushWorkspace({
            dir: sourceDir,
            remoteUrl: created.remoteUrl,
            auth:
              host?.pushAuth ??
              (input.token
                ? { username: 'x-access-token', password: input.token }
                : undefined),
            defaultBranch: settings.defaultBranch,
            commitMessage: input.commitMessage,
            author: {
              name:
                config.getOptionalString('scaffolder.defaultAuthor.name') ??
                'Scaffolder',
              email:
                config.getOptionalString('scaffolder.defaultAuthor.email') ??
                'scaffolder@backstage.io',
            },
            logger: ctx.logger,
          }),
      });
      for (const note of (await host?.afterPush(settings)) ?? []) {
        ctx.logger.warn(note);
      }

      const contents = contentsUrl(
        host?.kind,
        created.repoUrl,
        settings.defaultBranch,
      );
      ctx.logger.info(`Repository ${created.repoUrl} at ${commitHash}`);
      ctx.output('repoUrl', created.repoUrl);
      ctx.output('remoteUrl', created.remoteUrl);
      ctx.output('repoContentsUrl', contents);
      ctx.output('commitHash', commitHash);
    },
  });
}
