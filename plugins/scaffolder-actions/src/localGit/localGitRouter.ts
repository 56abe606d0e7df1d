import { RootConfigService } from '@backstage/backend-plugin-api';
import { Router } from 'express';
import path from 'node:path';
import { serveGitRequest } from './gitHttpBackend';

/** `modelRegistry.scaffolder.localGit`. */
export type LocalGitConfig = {
  /** Directory of the bare repositories (absolute). */
  rootDir: string;
  /** Whether the backend serves them read-only over HTTP at `/api/scaffolder/local-git`. */
  serve: boolean;
};

/** Reads `modelRegistry.scaffolder.localGit`; undefined when it is absent. */
export function readLocalGitConfig(
  config: RootConfigService,
): LocalGitConfig | undefined {
  const block = config.getOptionalConfig('modelRegistry.scaffolder.localGit');
  if (!block) return undefined;
  return {
    rootDir: path.resolve(block.getString('rootDir')),
    serve: block.getOptionalBoolean('serve') ?? false,
  };
}

/** The path below the scaffolder's base URL where local repositories are served. */
export const LOCAL_GIT_PATH = '/local-git';

/**
 * Serves the bare repositories under `rootDir` for `git clone` / `git fetch`
 * (smart HTTP, read-only): `GET <scaffolder>/local-git/<owner>/<repo>.git`.
 */
export function createLocalGitRouter(rootDir: string): Router {
  const router = Router();
  router.use(LOCAL_GIT_PATH, (req, res) => {
    serveGitRequest({
      root: rootDir,
      pathInfo: req.path,
      req,
      res,
      allowPush: false,
    });
  });
  return router;
}
