import { pipeline } from 'node:stream/promises';
import { actorOf } from '../authorization';
import { route } from '../route';
import {
  closeConnectionAfterAnswer,
  detachFromServerRequestTimeout,
} from '../uploadConnection';
import { RouteContext } from '../RouteContext';

/** Artifacts: streamed upload and download of a version's bytes. */
export function artifactRoutes({ services }: RouteContext) {
  return [
    route('uploadArtifact', async ({ params, query, credentials, req }) => {
      // The upload keeps its own clock (idle and overall timeouts), so the
      // server's limit on the duration of any request must not cut it.
      detachFromServerRequestTimeout(req);
      const length = req.get('content-length');
      try {
        return await services.versions.uploadArtifact(
          params.name,
          params.version,
          req,
          {
            expectedSha256: query.sha256,
            declaredSize: length === undefined ? undefined : Number(length),
          },
          actorOf(credentials, req),
        );
      } catch (error) {
        // The client may still be sending: answer, then hang up.
        closeConnectionAfterAnswer(req);
        throw error;
      }
    }),
    route('downloadArtifact', async ({ params, res }) => {
      const artifact = await services.versions.openArtifact(
        params.name,
        params.version,
      );
      if ('url' in artifact) {
        res.redirect(302, artifact.url);
        return;
      }
      res.status(200);
      res.setHeader('Content-Type', 'application/octet-stream');
      res.setHeader('Content-Length', String(artifact.size));
      res.setHeader(
        'Content-Disposition',
        `attachment; filename="${artifact.fileName}"`,
      );
      if (artifact.sha256) {
        res.setHeader('ETag', `"sha256:${artifact.sha256}"`);
      }
      await pipeline(artifact.body, res);
    }),
  ];
}
