import http from 'node:http';
import { serveGitRequest } from '../localGit/gitHttpBackend';
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

/**
 * Serves git's smart HTTP protocol under `/git/` for a fake host: the token
 * travels as the basic-auth password, under the user name the host expects
 * (any user when `user` is undefined). Answers 401 like the host otherwise.
 */
export function serveHostGit(options: {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  pathname: string;
  gitRoot: string;
  token: string;
  realm: string;
  user?: string;
}): void {
  const { req, res } = options;
  const [user, ...rest] = Buffer.from(
    (req.headers.authorization ?? '').replace(/^Basic /, ''),
    'base64',
  )
    .toString()
    .split(':');
  const userOk = options.user === undefined || user === options.user;
  if (!userOk || rest.join(':') !== options.token) {
    res.writeHead(401, {
      'WWW-Authenticate': `Basic realm="${options.realm}"`,
    });
    res.end();
    return;
  }
  serveGitRequest({
    root: options.gitRoot,
    pathInfo: options.pathname.slice(4),
    req,
    res,
    allowPush: true,
  });
}
