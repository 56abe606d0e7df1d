import type { KnownBlock } from '@slack/web-api';
import {
  describeModelRegistryEvent,
  ModelEventRecipients,
  ModelRegistryEvent,
  ModelRegistryEventType,
  readPayloadFields,
} from '@mlreg/plugin-model-registry-node';

/** Events about an incident: threaded per model and environment. */
const INCIDENT_EVENTS = new Set<ModelRegistryEventType>([
  'drift.detected',
  'monitor.breached',
  'monitor.recovered',
]);

/** The event that ends an incident: its thread closes after it. */
export const INCIDENT_END: ModelRegistryEventType = 'monitor.recovered';

/**
 * What a message is about, which threads follow-ups under the first
 * message: `incident:<model>:<environment>` for drift and monitor events,
 * `version:<model>:<n>` for anything else about a version, none otherwise.
 */
export function threadKeyOf(event: ModelRegistryEvent): string | undefined {
  if (!event.model) return undefined;
  const { version, environment } = readPayloadFields(event);
  if (INCIDENT_EVENTS.has(event.type)) {
    return `incident:${event.model}:${environment ?? '-'}`;
  }
  return version === undefined
    ? undefined
    : `version:${event.model}:${version}`;
}

const EMOJI: Partial<Record<ModelRegistryEventType, string>> = {
  'promotion.requested': ':raising_hand:',
  'promotion.approved': ':white_check_mark:',
  'promotion.rejected': ':no_entry:',
  'deployment.succeeded': ':rocket:',
  'deployment.failed': ':x:',
  'deployment.rolled_back': ':rewind:',
  'drift.detected': ':chart_with_downwards_trend:',
  'monitor.breached': ':rotating_light:',
  'monitor.recovered': ':large_green_circle:',
  'version.registered': ':package:',
  'version.failed': ':warning:',
};

/** Slack's limits: header text, field text, fields per section. */
const HEADER_MAX = 150;
const FIELD_MAX = 2000;
const FIELDS_MAX = 10;

const clip = (text: string, max: number) =>
  text.length > max ? `${text.slice(0, max - 1)}…` : text;

/** Slack mrkdwn escaping of text from users. */
const escape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * The Block Kit message of an event: header, key facts, and a button to the
 * model's page in the portal; `text` is the notification fallback.
 */
export function slackMessage(
  event: ModelRegistryEvent,
  recipients: Pick<ModelEventRecipients, 'entityPath'>,
  portalUrl: string,
): { text: string; blocks: KnownBlock[] } {
  const { title, facts } = describeModelRegistryEvent(event);
  const heading = `${EMOJI[event.type] ?? ':information_source:'} ${title}`;
  const blocks: KnownBlock[] = [
    {
      type: 'header',
      text: {
        type: 'plain_text',
        text: clip(heading, HEADER_MAX),
        emoji: true,
      },
    },
  ];
  if (facts.length > 0) {
    blocks.push({
      type: 'section',
      fields: facts.slice(0, FIELDS_MAX).map(fact => ({
        type: 'mrkdwn',
        text: clip(`*${fact.label}*\n${escape(fact.value)}`, FIELD_MAX),
      })),
    });
  }
  if (recipients.entityPath) {
    blocks.push({
      type: 'actions',
      elements: [
        {
          type: 'button',
          action_id: 'open-model',
          text: { type: 'plain_text', text: 'Open in Backstage' },
          url: `${portalUrl}${recipients.entityPath}`,
          ...(INCIDENT_EVENTS.has(event.type) ||
          event.type === 'deployment.failed'
            ? { style: 'danger' as const }
            : {}),
        },
      ],
    });
  }
  blocks.push({
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        text: `Model Registry · ${event.type} · ${event.createdAt}`,
      },
    ],
  });
  return { text: title, blocks };
}
