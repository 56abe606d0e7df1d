import http from 'node:http';
import { AddressInfo } from 'node:net';

/** A message the test server holds. */
export type SlackTestMessage = {
  /** The channel's id, e.g. `C0A1B2C3`. */
  channel: string;
  /** The channel as it was named in the call, e.g. `#ml-models`. */
  channelName: string;
  ts: string;
  threadTs?: string;
  text?: string;
  blocks?: Array<Record<string, any>>;
  /** When the server accepted it (ms since the epoch). */
  receivedAt: number;
};

/** An answer to force on a call, for error paths and chaos tests. */
export type SlackTestFault =
  | { status: 429; retryAfterSeconds: number }
  | { status: 500 | 502 | 503 }
  | { status: 200; error: string };

/** Options of {@link startSlackTestServer}. */
export type SlackTestServerOptions = {
  /** Accepted bot tokens; default `xoxb-test-token`. */
  tokens?: string[];
  /** Channels that exist, by name with `#`; default `#ml-models`, `#ml-registry`, `#ml-oncall`. */
  channels?: string[];
  /** Called before each call: return a fault to answer with it instead. */
  fault?: (method: string) => SlackTestFault | undefined;
  /** Port to listen on (loopback); default any free port. */
  port?: number;
};

/** A running Slack test server. */
export type SlackTestServer = {
  /** The Web API base URL to configure as `slackApiUrl` (`…/api/`). */
  apiUrl: string;
  /** Accepted messages, in order. */
  messages: SlackTestMessage[];
  /** Calls received (method names), accepted or not. */
  calls: string[];
  /** The id of a channel by name. */
  channelId(name: string): string;
  close(): Promise<void>;
};

/** Block Kit limits the server checks. */
const HEADER_MAX = 150;
const SECTION_TEXT_MAX = 3000;
const FIELD_MAX = 2000;
const FIELDS_MAX = 10;
const BLOCKS_MAX = 50;

/** Why a block is invalid, or undefined. */
function describeInvalidBlock(block: Record<string, any>): string | undefined {
  const text = (t: any, max: number) =>
    typeof t?.text === 'string' && t.text.length > 0 && t.text.length <= max;
  switch (block.type) {
    case 'header':
      return block.text?.type === 'plain_text' && text(block.text, HEADER_MAX)
        ? undefined
        : 'header needs plain_text of 1-150 characters';
    case 'section':
      if (!block.text && !block.fields) return 'section needs text or fields';
      if (block.text && !text(block.text, SECTION_TEXT_MAX)) {
        return 'section text must be 1-3000 characters';
      }
      if (
        block.fields &&
        (!Array.isArray(block.fields) ||
          block.fields.length > FIELDS_MAX ||
          !block.fields.every((f: any) => text(f, FIELD_MAX)))
      ) {
        return 'section fields: at most 10, each 1-2000 characters';
      }
      return undefined;
    case 'actions':
      return Array.isArray(block.elements) &&
        block.elements.length > 0 &&
        block.elements.every(
          (e: any) =>
            e.type === 'button' &&
            text(e.text, 75) &&
            (e.url === undefined || /^https?:\/\//.test(e.url)),
        )
        ? undefined
        : 'actions need buttons with text and http(s) urls';
    case 'context':
    case 'divider':
      return undefined;
    default:
      return `unsupported block type ${block.type}`;
  }
}

/**
 * A local server implementing the Slack Web API method `chat.postMessage`
 * as documented: form-encoded (or JSON) bodies, bearer token, `ok: false`
 * platform errors (`not_authed`, `invalid_auth`, `channel_not_found`,
 * `no_text`, `invalid_blocks`), and forced faults such as 429 with
 * `Retry-After`.
 */
export async function startSlackTestServer(
  options: SlackTestServerOptions = {},
): Promise<SlackTestServer> {
  const tokens = new Set(options.tokens ?? ['xoxb-test-token']);
  const ids = new Map<string, string>();
  for (const [i, name] of (
    options.channels ?? ['#ml-models', '#ml-registry', '#ml-oncall']
  ).entries()) {
    ids.set(name, `C${String(1000 + i).padStart(8, '0')}`);
  }
  const messages: SlackTestMessage[] = [];
  const calls: string[] = [];
  let clock = 1_700_000_000_000_000;

  function postMessage(
    args: Record<string, any>,
  ): Record<string, unknown> & { ok: boolean } {
    const channelName = String(args.channel ?? '');
    const channel =
      ids.get(channelName) ?? [...ids.values()].find(id => id === channelName);
    if (!channel) return { ok: false, error: 'channel_not_found' };
    let blocks: Array<Record<string, any>> | undefined;
    if (args.blocks !== undefined) {
      try {
        blocks =
          typeof args.blocks === 'string'
            ? JSON.parse(args.blocks)
            : args.blocks;
      } catch {
        return { ok: false, error: 'invalid_blocks_format' };
      }
      if (!Array.isArray(blocks) || blocks.length > BLOCKS_MAX) {
        return { ok: false, error: 'invalid_blocks' };
      }
      for (const block of blocks) {
        const invalid = describeInvalidBlock(block);
        if (invalid) {
          return {
            ok: false,
            error: 'invalid_blocks',
            errors: [invalid],
          };
        }
      }
    }
    if (!args.text && !blocks?.length) return { ok: false, error: 'no_text' };
    clock += 1;
    const ts = `${Math.floor(clock / 1e6)}.${String(clock % 1e6).padStart(
      6,
      '0',
    )}`;
    const message: SlackTestMessage = {
      channel,
      channelName: ids.get(channelName) ? channelName : channel,
      ts,
      threadTs: args.thread_ts ? String(args.thread_ts) : undefined,
      text: args.text,
      blocks,
      receivedAt: Date.now(),
    };
    messages.push(message);
    return {
      ok: true,
      channel,
      ts,
      message: {
        type: 'message',
        text: args.text,
        ts,
        thread_ts: args.thread_ts,
      },
    };
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', chunk => chunks.push(chunk));
    req.on('end', () => {
      const method = (req.url ?? '').replace(/^\/api\//, '').split('?')[0];
      calls.push(method);
      const reply = (status: number, body: unknown, headers = {}) => {
        res.writeHead(status, {
          'Content-Type': 'application/json',
          ...headers,
        });
        res.end(JSON.stringify(body));
      };
      const fault = options.fault?.(method);
      if (fault?.status === 429) {
        reply(
          429,
          { ok: false, error: 'ratelimited' },
          {
            'Retry-After': String(fault.retryAfterSeconds),
          },
        );
        return;
      }
      if (fault && fault.status !== 200) {
        res.writeHead(fault.status);
        res.end('Internal Server Error');
        return;
      }
      if (fault) {
        reply(200, { ok: false, error: fault.error });
        return;
      }
      const raw = Buffer.concat(chunks).toString('utf8');
      const type = req.headers['content-type'] ?? '';
      let args: Record<string, any>;
      if (type.startsWith('application/json')) {
        try {
          args = JSON.parse(raw);
        } catch {
          reply(200, { ok: false, error: 'invalid_json' });
          return;
        }
      } else {
        args = Object.fromEntries(new URLSearchParams(raw));
      }
      const auth = req.headers.authorization ?? '';
      const token = auth.startsWith('Bearer ') ? auth.slice(7) : args.token;
      if (!token) {
        reply(200, { ok: false, error: 'not_authed' });
        return;
      }
      if (!tokens.has(token)) {
        reply(200, { ok: false, error: 'invalid_auth' });
        return;
      }
      if (method !== 'chat.postMessage') {
        reply(200, { ok: false, error: 'unknown_method' });
        return;
      }
      reply(200, postMessage(args));
    });
  });
  await new Promise<void>(resolve =>
    server.listen(options.port ?? 0, '127.0.0.1', resolve),
  );
  const { port } = server.address() as AddressInfo;
  return {
    apiUrl: `http://127.0.0.1:${port}/api/`,
    messages,
    calls,
    channelId(name) {
      const id = ids.get(name);
      if (!id) throw new Error(`no channel ${name}`);
      return id;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close(error => (error ? reject(error) : resolve()));
      }),
  };
}
