import {
  ModelRegistryDeliveryRetryAfterError,
  ModelRegistryEvent,
  ModelRegistryEventSubscriber,
} from '@mlreg/plugin-model-registry-node';
import { signWebhook } from './signature';
import { StoredWebhook, WebhookStore } from './WebhookStore';

/** How long a receiver has to answer. */
const TIMEOUT_MS = 10_000;

/** Whether a webhook wants an event. */
export function wants(webhook: StoredWebhook, event: ModelRegistryEvent) {
  return (
    (!webhook.events || webhook.events.includes(event.type)) &&
    (!webhook.models ||
      (event.model !== undefined && webhook.models.includes(event.model)))
  );
}

/** The JSON body of a delivery. */
export function webhookBody(event: ModelRegistryEvent): string {
  return JSON.stringify({
    id: event.eventId,
    type: event.type,
    model: event.model,
    createdAt: event.createdAt,
    payload: event.payload,
  });
}

/** Seconds of a `Retry-After` header (seconds or HTTP date), or undefined. */
function retryAfterSeconds(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(header);
  return Number.isNaN(date)
    ? undefined
    : Math.max(0, (date - Date.now()) / 1000);
}

/**
 * The outbox subscriber `webhooks`: sends every event to each registered
 * webhook whose filter matches, signed, once per webhook. A failure of any
 * webhook fails the attempt (the registry retries it with backoff); the
 * webhooks that accepted the event already are not sent it again.
 */
export function createWebhookSender(options: {
  store: WebhookStore;
  fetch?: typeof fetch;
}): ModelRegistryEventSubscriber {
  const { store } = options;
  const send = options.fetch ?? fetch;
  return {
    id: 'webhooks',
    async deliver(event) {
      const targets = (await store.list()).filter(w => wants(w, event));
      const done = await store.sentTo(
        event.eventId,
        targets.map(t => t.id),
      );
      const body = webhookBody(event);
      const failures: string[] = [];
      let retryAfterMs = 0;
      for (const webhook of targets) {
        if (done.has(webhook.id)) continue;
        const timestamp = Math.floor(Date.now() / 1000);
        try {
          const response = await send(webhook.url, {
            method: 'POST',
            redirect: 'manual',
            signal: AbortSignal.timeout(TIMEOUT_MS),
            headers: {
              'Content-Type': 'application/json',
              'User-Agent': 'Backstage-Model-Registry-Webhooks/1',
              'webhook-id': event.eventId,
              'webhook-timestamp': String(timestamp),
              'webhook-signature': signWebhook(
                webhook.secret,
                event.eventId,
                timestamp,
                body,
              ),
              'X-Model-Registry-Event': event.type,
            },
            body,
          });
          await response.body?.cancel();
          if (response.status >= 200 && response.status < 300) {
            await store.recordSent(event.eventId, webhook.id, response.status);
            continue;
          }
          const after = retryAfterSeconds(response.headers.get('retry-after'));
          if (
            after !== undefined &&
            (response.status === 429 || response.status === 503)
          ) {
            retryAfterMs = Math.max(retryAfterMs, after * 1000);
          }
          failures.push(
            `${webhook.id} (${webhook.url}) answered ${response.status}`,
          );
        } catch (error) {
          failures.push(`${webhook.id} (${webhook.url}) failed: ${error}`);
        }
      }
      if (failures.length === 0) return;
      const message = `Webhooks failed: ${failures.join('; ')}`;
      throw retryAfterMs > 0
        ? new ModelRegistryDeliveryRetryAfterError(message, retryAfterMs)
        : new Error(message);
    },
  };
}
