import { ConflictError, InputError } from '@backstage/errors';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensureBareRepository, hasBranches } from './git';
import { RepositoryHost, RepositorySettings } from './types';

const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/**
 * Bare repositories in a local directory (`modelRegistry.scaffolder.localGit.rootDir`):
 * `<rootDir>/<owner>/<repo>.git`, or `<rootDir>/<repo>.git` without owner.
 * What the embedded default publishes to.
 */
export function localHost(options: {
  rootDir: string | undefined;
  /** Where the backend serves the directory over HTTP, when it does. */
  servedAt?: string;
  owner?: string;
  repo: string;
}): RepositoryHost {
  const { rootDir, owner, repo } = options;
  if (!rootDir) {
    throw new InputError(
      'Host "local" needs modelRegistry.scaffolder.localGit.rootDir in app-config.yaml: the directory that holds the local bare repositories',
    );
  }
  for (const segment of [owner, repo]) {
    if (
      segment !== undefined &&
      (!SEGMENT.test(segment) || segment.endsWith('.git'))
    ) {
      throw new InputError(
        `Invalid repository name part ${JSON.stringify(
          segment,
        )}: letters, digits, '.', '_' and '-', starting with a letter or digit`,
      );
    }
  }
  const relative = `${owner ? `${owner}/` : ''}${repo}.git`;
  const dir = path.resolve(rootDir, relative);
  return {
    kind: 'local',
    async create(settings: RepositorySettings) {
      if (await hasBranches(dir)) {
        throw new ConflictError(
          `Repository ${dir} already exists and is not empty`,
        );
      }
      await ensureBareRepository(dir, settings.defaultBranch);
      if (settings.description) {
        // git's own place for a repository's description (gitweb, cgit).
        await fs.promises.writeFile(
          path.join(dir, 'description'),
          `${settings.description}\n`,
        );
      }
      return {
        repoUrl: options.servedAt
          ? `${options.servedAt}/${relative}`
          : pathToFileURL(dir).href,
        remoteUrl: dir,
      };
    },
    async afterPush() {
      return ['local repositories have no topics or branch protection'];
    },
  };
}
