/*
 * The HTTP side of an artifact upload: the connection it arrives on.
 */

/**
 * Takes an HTTP request off its server's overall request deadline.
 *
 * Node's HTTP server answers 408 and closes the connection of every request
 * not received in full within `server.requestTimeout` (300 s by default;
 * Backstage sets it from `backend.server.requestTimeout`), however steadily
 * its bytes arrive: a multi-GiB upload over a slow link never completes. An
 * artifact upload keeps its own clock instead (an idle timeout and an overall
 * limit, see `DigestStream`), so it leaves the server's: Node tracks the
 * deadline in a per-server list of active connections (Node 18 and later),
 * and a connection's parser leaves that list with `remove()`, as Node itself
 * does for upgraded connections. The next request on the connection enters
 * the list again, with the server's limits. `server.headersTimeout` has
 * already been met by then, and `server.timeout` (socket inactivity), when
 * an operator sets it, still applies.
 *
 * Anything that is not a Node HTTP request is left alone. Returns whether
 * the request left the server's deadline.
 */
export function detachFromServerRequestTimeout(body: unknown): boolean {
  const parser = (body as { socket?: { parser?: { remove?: unknown } } })
    ?.socket?.parser;
  if (typeof parser?.remove !== 'function') return false;
  (parser as { remove(): void }).remove();
  return true;
}

/**
 * After a refused upload whose client may still be sending: asks that the
 * connection be closed once the answer is written, rather than the rest of
 * the body be read and thrown away, which Node does by default and which
 * would take as long as the client likes. Does nothing for bodies that are
 * not an HTTP request with a response still to send (`req.res`, as Express
 * sets it).
 */
export function closeConnectionAfterAnswer(body: unknown): void {
  const req = body as {
    readableEnded?: boolean;
    res?: { headersSent?: boolean; setHeader?: unknown };
  };
  if (req?.readableEnded) return;
  const res = req?.res;
  if (res && !res.headersSent && typeof res.setHeader === 'function') {
    (res.setHeader as (name: string, value: string) => void)(
      'Connection',
      'close',
    );
  }
}
