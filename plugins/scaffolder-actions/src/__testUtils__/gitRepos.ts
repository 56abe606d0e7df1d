import { execFileSync } from 'node:child_process';

/** The files of a branch of a bare repository: path to content. */
export function readBranch(
  gitDir: string,
  branch = 'main',
): Record<string, string> {
  const git = (...args: string[]) =>
    execFileSync('git', ['--git-dir', gitDir, ...args]).toString();
  return Object.fromEntries(
    git('ls-tree', '-r', '--name-only', branch)
      .split('\n')
      .filter(Boolean)
      .map(name => [name, git('show', `${branch}:${name}`)]),
  );
}
