import { finished, Readable, Writable } from 'node:stream';

/**
 * Pipes `body` into `digest` as `pipeline` would, but never destroys `body`.
 * Destroying an HTTP request destroys its socket, so the error answer of a
 * refused upload (too large, over quota, stalled) would never reach the
 * client. An error or premature end of `body` still fails `digest`; when
 * `digest` fails, `body` is unpiped and left for the caller to answer (see
 * {@link closeConnectionAfterAnswer}).
 */
export function feedDigest(
  body: NodeJS.ReadableStream,
  digest: NodeJS.WritableStream & { destroy(error?: Error): unknown },
): void {
  const stopWatching = finished(body as Readable, error => {
    if (error) digest.destroy(error);
  });
  finished(digest as Writable, error => {
    if (error) {
      body.unpipe(digest);
      stopWatching();
    }
  });
  body.pipe(digest);
}
