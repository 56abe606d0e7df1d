import {
  AuthService,
  CacheService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { AuthenticationError, InputError } from '@backstage/errors';
import { ModelRegistryService } from '@mlreg/plugin-model-registry-node';
import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

const labels = z.record(z.string(), z.string());

/**
 * Alertmanager's webhook payload, version 4 (notify/webhook `Message`).
 * Unknown fields (newer Alertmanagers add some) are ignored.
 */
export const alertmanagerPayload = z.object({
  version: z.literal('4'),
  groupKey: z.string().max(4096),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string().optional(),
  externalURL: z.string().optional(),
  alerts: z
    .array(
      z.object({
        status: z.enum(['firing', 'resolved']),
        labels,
        annotations: labels.optional(),
        startsAt: z.string(),
        endsAt: z.string().optional(),
        generatorURL: z.string().max(2048).optional(),
        fingerprint: z.string().max(64),
      }),
    )
    .max(1000),
});

/** How long a delivered alert notification is remembered for deduplication. */
const DEDUP_TTL_MS = 7 * 24 * 3_600_000;

/** What the receiver did with a notification. */
export interface ReceiverOutcome {
  recorded: number;
  duplicates: number;
  /** Alerts without a `model` label, or about a model the registry does not have. */
  ignored: number;
}

/**
 * Turns Alertmanager notifications about models (alerts with a `model` or
 * `model_name` label) into `monitor.breached` / `monitor.recovered` events.
 * Alertmanager repeats notifications and retries failed ones: an alert is
 * recorded once per group key, fingerprint, status and start, remembered in
 * the cache service (shared by replicas when it is).
 */
export class AlertmanagerReceiver {
  constructor(
    private readonly options: {
      token: string;
      registry: ModelRegistryService;
      auth: AuthService;
      cache: CacheService;
      logger: LoggerService;
    },
  ) {}

  /** Checks the bearer token Alertmanager sends (`http_config.authorization`). */
  authenticate(header: string | undefined): void {
    const expected = Buffer.from(`Bearer ${this.options.token}`);
    const given = Buffer.from(header ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new AuthenticationError('invalid Alertmanager credentials');
    }
  }

  async receive(body: string): Promise<ReceiverOutcome> {
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      throw new InputError('the notification is not JSON');
    }
    const parsed = alertmanagerPayload.safeParse(json);
    if (!parsed.success) {
      throw new InputError(
        `not an Alertmanager webhook notification (version 4): ${parsed.error.issues
          .slice(0, 3)
          .map(i => `${i.path.join('.')}: ${i.message}`)
          .join('; ')}`,
      );
    }
    const { groupKey, alerts } = parsed.data;
    const credentials = await this.options.auth.getOwnServiceCredentials();
    const outcome: ReceiverOutcome = { recorded: 0, duplicates: 0, ignored: 0 };
    for (const alert of alerts) {
      const model = alert.labels.model ?? alert.labels.model_name;
      if (!model) {
        outcome.ignored += 1;
        continue;
      }
      const key = `alertmanager:${groupKey}:${alert.fingerprint}:${alert.status}:${alert.startsAt}`;
      if (await this.options.cache.get(key)) {
        outcome.duplicates += 1;
        continue;
      }
      const version = Number(alert.labels.version);
      try {
        await this.options.registry.recordMonitorEvent(
          model,
          {
            status: alert.status === 'firing' ? 'breached' : 'recovered',
            alert: alert.labels.alertname ?? 'unnamed',
            source: 'alertmanager',
            ...(alert.labels.environment && {
              environment: alert.labels.environment,
            }),
            ...(Number.isInteger(version) && version > 0 && { version }),
            ...(alert.annotations?.summary && {
              summary: alert.annotations.summary,
            }),
            at: new Date(
              alert.status === 'firing'
                ? alert.startsAt
                : alert.endsAt ?? alert.startsAt,
            ).toISOString(),
            labels: alert.labels,
            ...(alert.generatorURL && { url: alert.generatorURL }),
          },
          { credentials },
        );
      } catch (error) {
        if (
          (error as { response?: { status?: number } }).response?.status === 404
        ) {
          this.options.logger.warn(
            `Alert ${alert.labels.alertname} names unknown model "${model}"`,
          );
          outcome.ignored += 1;
          continue;
        }
        throw error;
      }
      await this.options.cache.set(key, true, { ttl: DEDUP_TTL_MS });
      outcome.recorded += 1;
    }
    return outcome;
  }
}
