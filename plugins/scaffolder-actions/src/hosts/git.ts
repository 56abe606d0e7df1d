import { LoggerService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { initRepoAndPush } from '@backstage/plugin-scaffolder-node';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Credentials for pushing over HTTP(S). */
export type GitAuth =
  | { username: string; password: string }
  | { token: string };

/** What a push needs. */
export type PushOptions = {
  dir: string;
  remoteUrl: string;
  auth?: GitAuth;
  defaultBranch: string;
  commitMessage: string;
  author: { name: string; email: string };
  logger: LoggerService;
};

/** A remote that is a directory on this machine: an absolute path or a file:// URL. */
export function localRemotePath(remoteUrl: string): string | undefined {
  if (remoteUrl.startsWith('file://')) return fileURLToPath(remoteUrl);
  if (path.isAbsolute(remoteUrl)) return remoteUrl;
  return undefined;
}

async function git(args: string[], cwd?: string): Promise<string> {
  try {
    const { stdout } = await run('git', args, { cwd });
    return stdout.trim();
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new Error(`git ${args[0]} failed: ${stderr || String(error)}`);
  }
}

/** Whether the bare repository at `dir` has any branch. */
export async function hasBranches(dir: string): Promise<boolean> {
  if (!fs.existsSync(dir)) return false;
  return (
    (await git([
      '--git-dir',
      dir,
      'for-each-ref',
      '--count=1',
      'refs/heads',
    ])) !== ''
  );
}

/** Creates a bare repository (and its parent directories) unless it exists. */
export async function ensureBareRepository(dir: string, defaultBranch: string) {
  if (fs.existsSync(path.join(dir, 'HEAD'))) return;
  await fs.promises.mkdir(dir, { recursive: true });
  await git([
    'init',
    '--bare',
    '--quiet',
    `--initial-branch=${defaultBranch}`,
    dir,
  ]);
}

/**
 * Commits everything in `dir` as the first commit of a new repository and
 * pushes it to the default branch of `remoteUrl`: over HTTP(S) with
 * isomorphic-git (the scaffolder's own helper), to a local bare repository
 * with the git command line (isomorphic-git has no local transport).
 */
export async function pushWorkspace(
  options: PushOptions,
): Promise<{ commitHash: string }> {
  const { dir, remoteUrl, defaultBranch, commitMessage, author, logger } =
    options;
  const local = localRemotePath(remoteUrl);
  if (!local) {
    if (!/^https?:\/\//.test(remoteUrl)) {
      throw new InputError(
        `Unsupported git remote ${remoteUrl}: use an http(s) URL, an absolute path or a file:// URL`,
      );
    }
    return initRepoAndPush({
      dir,
      remoteUrl,
      auth: options.auth ?? { username: '', password: '' },
      logger,
      defaultBranch,
      commitMessage,
      gitAuthorInfo: author,
    });
  }
  if (!fs.existsSync(path.join(local, 'HEAD'))) {
    throw new InputError(`${local} is not a git repository`);
  }
  await git(['init', '--quiet', `--initial-branch=${defaultBranch}`], dir);
  await git(['add', '--all'], dir);
  await git(
    [
      '-c',
      `user.name=${author.name}`,
      '-c',
      `user.email=${author.email}`,
      '-c',
      'commit.gpgsign=false',
      'commit',
      '--quiet',
      '--allow-empty',
      '-m',
      commitMessage,
    ],
    dir,
  );
  await git(
    ['push', '--quiet', local, `HEAD:refs/heads/${defaultBranch}`],
    dir,
  );
  logger.info(`Pushed to ${local} (${defaultBranch})`);
  return { commitHash: await git(['rev-parse', 'HEAD'], dir) };
}
