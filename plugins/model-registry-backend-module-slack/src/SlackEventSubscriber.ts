import { Config } from '@backstage/config';
import {
  MODEL_REGISTRY_EVENT_TYPES,
  ModelEventRouter,
  ModelRegistryDeliveryRetryAfterError,
  ModelRegistryEvent,
  ModelRegistryEventSubscriber,
  ModelRegistryEventType,
} from '@mlreg/plugin-model-registry-node';
import { ErrorCode, WebClient } from '@slack/web-api';
import { INCIDENT_END, slackMessage, threadKeyOf } from './messages';
import { SlackStore } from './SlackStore';

/** The events posted unless `modelRegistry.slack.events` says otherwise. */
export const DEFAULT_SLACK_EVENTS: ModelRegistryEventType[] = [
  'version.registered',
  'version.failed',
  'alias.created',
  'alias.moved',
  'promotion.requested',
  'promotion.approved',
  'promotion.rejected',
  'deployment.succeeded',
  'deployment.failed',
  'deployment.rolled_back',
  'drift.detected',
  'monitor.breached',
  'monitor.recovered',
];

/** `modelRegistry.slack`, checked. */
export interface SlackConfig {
  token: string;
  defaultChannel?: string;
  apiUrl?: string;
  events: ModelRegistryEventType[];
}

/**
 * Reads `modelRegistry.slack`; undefined when it is absent (the module is
 * then off). Throws a clear error for a missing token or an unknown event.
 */
export function readSlackConfig(config: Config): SlackConfig | undefined {
  const slack = config.getOptionalConfig('modelRegistry.slack');
  if (!slack) return undefined;
  const token = slack.getString('token').trim();
  if (!token) throw new Error('modelRegistry.slack.token must not be empty');
  const events = slack.getOptionalStringArray('events') ?? DEFAULT_SLACK_EVENTS;
  for (const type of events) {
    if (!(MODEL_REGISTRY_EVENT_TYPES as readonly string[]).includes(type)) {
      throw new Error(
        `modelRegistry.slack.events: unknown event type "${type}"`,
      );
    }
  }
  const apiUrl = slack.getOptionalString('apiUrl');
  if (apiUrl !== undefined && !/^https?:\/\/[^\s]+$/.test(apiUrl)) {
    throw new Error(
      `modelRegistry.slack.apiUrl must be an http(s) URL, got "${apiUrl}"`,
    );
  }
  return {
    token,
    defaultChannel: slack.getOptionalString('defaultChannel'),
    apiUrl,
    events: events as ModelRegistryEventType[],
  };
}

/**
 * The Slack subscriber: posts each event to the channels of its model (else
 * the default channel), threading follow-ups under the first message about
 * the same version or incident.
 *
 * A repeated delivery posts only to the channels it has not reached yet
 * (recorded per event and channel). Rate limits are not waited out in the
 * dispatcher: a 429 fails the attempt with Slack's Retry-After, which the
 * registry honours before the next one.
 */
export function createSlackEventSubscriber(options: {
  slack: SlackConfig;
  router: ModelEventRouter;
  store: SlackStore;
  /** The portal's base URL (`app.baseUrl`), for buttons. */
  portalUrl: string;
  /** Overrides the client (tests, proxies). */
  client?: WebClient;
}): ModelRegistryEventSubscriber {
  const { slack, router, store, portalUrl } = options;
  const client =
    options.client ??
    new WebClient(slack.token, {
      slackApiUrl: slack.apiUrl,
      // The registry's outbox retries, with backoff and Retry-After.
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
    });

  async function post(
    channel: string,
    message: ReturnType<typeof slackMessage>,
    threadTs: string | undefined,
  ): Promise<string> {
    try {
      const result = await client.chat.postMessage({
        channel,
        ...message,
        ...(threadTs ? { thread_ts: threadTs } : {}),
        unfurl_links: false,
      });
      if (!result.ts) throw new Error('Slack answered without a message ts');
      return result.ts;
    } catch (error) {
      const e = error as {
        code?: string;
        retryAfter?: number;
        statusCode?: number;
        data?: { error?: string };
      };
      if (e.code === ErrorCode.RateLimitedError) {
        throw new ModelRegistryDeliveryRetryAfterError(
          `Slack rate limited chat.postMessage to ${channel}; retry after ${e.retryAfter} s`,
          (e.retryAfter ?? 1) * 1000,
        );
      }
      if (e.code === ErrorCode.PlatformError) {
        throw new Error(
          `Slack refused chat.postMessage to ${channel}: ${e.data?.error}`,
        );
      }
      if (e.code === ErrorCode.HTTPError) {
        throw new Error(
          `Slack answered chat.postMessage to ${channel} with HTTP ${e.statusCode}`,
        );
      }
      throw error;
    }
  }

  return {
    id: 'slack',
    filter: { types: slack.events },
    async deliver(event: ModelRegistryEvent) {
      const recipients = await router.resolve(event);
      const channels =
        recipients.slackChannels.length > 0
          ? recipients.slackChannels
          : [slack.defaultChannel].filter((c): c is string => Boolean(c));
      const message = slackMessage(event, recipients, portalUrl);
      const threadKey = threadKeyOf(event);
      for (const channel of channels) {
        if (await store.getMessage(event.eventId, channel)) continue;
        const threadTs = threadKey
          ? await store.getThread(threadKey, channel)
          : undefined;
        const ts = await post(channel, message, threadTs);
        await store.recordMessage({
          eventId: event.eventId,
          channel,
          ts,
          threadTs,
        });
        if (!threadKey) continue;
        if (event.type === INCIDENT_END) {
          await store.closeThread(threadKey, channel);
        } else if (!threadTs) {
          await store.recordThread(threadKey, channel, ts);
        }
      }
    },
  };
}
