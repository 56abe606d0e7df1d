import { LoggerService } from '@backstage/backend-plugin-api';
import { ScmIntegrationRegistry } from '@backstage/integration';
import { GitAuth } from './git';

/** What a GitHub or GitLab host needs to create `owner/repo`. */
export type HostOptions = {
  integrations: ScmIntegrationRegistry;
  host: string;
  owner: string;
  repo: string;
  /** The user's token; the integration's when absent. */
  token?: string;
  logger: LoggerService;
};

/** How the new repository is set up. */
export type RepositorySettings = {
  description?: string;
  topics: string[];
  visibility: 'private' | 'internal' | 'public';
  defaultBranch: string;
  protectDefaultBranch: boolean;
  requiredApprovals: number;
  /** The registry's webhook to add (GitHub only). */
  webhook?: { url: string; secret: string; events: string[] };
};

/** A place new repositories are created in. */
export type RepositoryHost = {
  kind: 'github' | 'gitlab' | 'local';
  /** Credentials for pushing to `remoteUrl`. */
  pushAuth?: GitAuth;
  /** Creates the empty repository; fails when it exists. */
  create(
    settings: RepositorySettings,
  ): Promise<{ repoUrl: string; remoteUrl: string }>;
  /** Settings that need the pushed branch; returns notes on what was skipped. */
  afterPush(settings: RepositorySettings): Promise<string[]>;
};
