import {
  ModelRegistryEvent,
  ModelRegistryEventPayloadFields,
  ModelRegistryEventType,
} from './events';

/**
 * An event in words, for messages to people: the same title and facts in a
 * notification, a Slack message or a Jira issue.
 *
 * @public
 */
export interface ModelRegistryEventDescription {
  /** One line, e.g. `Promotion requested: fraud v3 → production`. */
  title: string;
  /** Label and value of each fact the event carries, in reading order. */
  facts: Array<{ label: string; value: string }>;
}

const TITLES: Record<ModelRegistryEventType, string> = {
  'model.created': 'Model created',
  'model.updated': 'Model updated',
  'model.renamed': 'Model renamed',
  'model.archived': 'Model archived',
  'model.restored': 'Model restored',
  'model.deleted': 'Model deleted',
  'version.registered': 'Version registered',
  'version.updated': 'Version updated',
  'version.ready': 'Version ready',
  'version.failed': 'Version failed',
  'alias.created': 'Alias set',
  'alias.moved': 'Alias moved',
  'alias.deleted': 'Alias deleted',
  'kpi.updated': 'KPI updated',
  'drift.reference-set': 'Reference profile set',
  'drift.batch-received': 'Production batch received',
  'drift.checked': 'Drift checked',
  'promotion.requested': 'Promotion requested',
  'promotion.approved': 'Promotion approved',
  'promotion.rejected': 'Promotion rejected',
  'deployment.started': 'Deployment started',
  'deployment.succeeded': 'Deployment succeeded',
  'deployment.failed': 'Deployment failed',
  'deployment.paused': 'Deployment paused',
  'deployment.rolled_back': 'Deployment rolled back',
  'deployment.out_of_sync': 'Deployment out of sync',
  'drift.detected': 'Drift detected',
  'monitor.breached': 'Monitor breached',
  'monitor.recovered': 'Monitor recovered',
};

/**
 * The payload fields subscribers use, read defensively: a field of the
 * wrong type is absent.
 *
 * @public
 */
export function readPayloadFields(
  event: Pick<ModelRegistryEvent, 'payload'>,
): Partial<ModelRegistryEventPayloadFields> {
  const p = event.payload;
  const text = (value: unknown) =>
    typeof value === 'string' && value ? value : undefined;
  return {
    actor: text(p.actor),
    version:
      typeof p.version === 'number' && Number.isSafeInteger(p.version)
        ? p.version
        : undefined,
    alias: text(p.alias),
    environment: text(p.environment),
    reason: text(p.reason),
    comment: text(p.comment),
    requestId: text(p.requestId),
  };
}

/**
 * Describes a registry event: `<what>: <model> v<version> → <alias>` (or
 * `in <environment>`) and the facts behind it.
 *
 * @public
 */
export function describeModelRegistryEvent(
  event: Pick<ModelRegistryEvent, 'type' | 'model' | 'payload'>,
): ModelRegistryEventDescription {
  const f = readPayloadFields(event);
  let subject = event.model ?? 'registry';
  if (f.version !== undefined) subject += ` v${f.version}`;
  if (f.alias) subject += ` → ${f.alias}`;
  if (f.environment) subject += ` in ${f.environment}`;
  const facts: ModelRegistryEventDescription['facts'] = [];
  const add = (label: string, value: string | number | undefined) => {
    if (value !== undefined) facts.push({ label, value: String(value) });
  };
  add('Model', event.model);
  add('Version', f.version);
  add('Alias', f.alias);
  add('Environment', f.environment);
  add('By', f.actor);
  add('Reason', f.reason);
  add('Comment', f.comment);
  return { title: `${TITLES[event.type] ?? event.type}: ${subject}`, facts };
}
