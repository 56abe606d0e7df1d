import { Config } from '@backstage/config';
import { adf, JiraClient, JiraText } from '@mlreg/jira-client';
import {
  describeModelRegistryEvent,
  ModelEventRecipients,
  ModelEventRouter,
  ModelRegistryEvent,
  ModelRegistryEventSubscriber,
  ModelRegistryEventType,
  readPayloadFields,
} from '@mlreg/plugin-model-registry-node';
import { JiraIssueStore } from './JiraIssueStore';

/** The events the module acts on. */
export const JIRA_EVENT_TYPES: ModelRegistryEventType[] = [
  'version.registered',
  'drift.detected',
  'monitor.breached',
  'monitor.recovered',
];

/** Issue types of `modelRegistry.jira.issueTypes`. */
export interface JiraIssueTypes {
  epic: string;
  version: string;
  incident: string;
}

/** Reads `modelRegistry.jira.issueTypes` (defaults Epic, Task, Bug). */
export function readIssueTypes(config: Config): JiraIssueTypes {
  const types = config.getOptionalConfig('modelRegistry.jira.issueTypes');
  const read = (key: string, fallback: string) => {
    const value = types?.getOptionalString(key) ?? fallback;
    if (!value.trim()) {
      throw new Error(`modelRegistry.jira.issueTypes.${key} must not be empty`);
    }
    return value;
  };
  return {
    epic: read('epic', 'Epic'),
    version: read('version', 'Task'),
    incident: read('incident', 'Bug'),
  };
}

/** Jira labels hold no spaces; model and environment names are kept readable. */
const label = (text: string) => text.replace(/[^A-Za-z0-9_.-]/g, '_');

/** The description of an issue about an event: facts and a portal link. */
function describe(
  event: ModelRegistryEvent,
  recipients: Pick<ModelEventRecipients, 'entityPath'>,
  portalUrl: string,
  intro: string,
): JiraText {
  const { facts } = describeModelRegistryEvent(event);
  return adf.doc(
    adf.paragraph(intro),
    adf.bulletList(
      ...facts.map(f => [
        adf.paragraph(adf.strong(`${f.label}: `), adf.text(f.value)),
      ]),
    ),
    ...(recipients.entityPath
      ? [
          adf.paragraph(
            adf.link(
              'Open the model in Backstage',
              `${portalUrl}${recipients.entityPath}`,
            ),
          ),
        ]
      : []),
  );
}

/**
 * The Jira subscriber. For a model with a Jira project (`jira/project-key`
 * on the model or its owner):
 * - `version.registered`: a validate-and-deploy issue under the model's
 *   epic (found by label, else created);
 * - `drift.detected` / `monitor.breached`: one incident per model and
 *   environment, commented on while open in Jira instead of duplicated;
 * - `monitor.recovered`: a comment on the open incident.
 *
 * Each event is acted on once: handled events are recorded, and an issue
 * created by an attempt whose answer was lost is found again by its
 * `mlreg-event-<id>` label instead of being created twice.
 */
export function createJiraEventSubscriber(options: {
  jira: JiraClient;
  store: JiraIssueStore;
  router: ModelEventRouter;
  issueTypes: JiraIssueTypes;
  portalUrl: string;
}): ModelRegistryEventSubscriber {
  const { jira, store, router, issueTypes, portalUrl } = options;

  /** The issue an earlier attempt of this event created, if any. */
  async function createdBefore(project: string, eventId: string) {
    const { issues } = await jira.searchIssues({
      jql: `project = ${project} AND labels = mlreg-event-${eventId}`,
      maxResults: 1,
    });
    return issues[0];
  }

  async function createOnce(
    event: ModelRegistryEvent,
    retried: boolean,
    input: Parameters<JiraClient['createIssue']>[0],
  ): Promise<{ key: string; url: string }> {
    const earlier = retried
      ? await createdBefore(input.projectKey, event.eventId)
      : undefined;
    if (earlier) return { key: earlier.key, url: jira.issueUrl(earlier.key) };
    const created = await jira.createIssue({
      ...input,
      labels: [...(input.labels ?? []), `mlreg-event-${event.eventId}`],
    });
    return { key: created.key, url: created.url };
  }

  async function epicOf(
    model: string,
    project: string,
    event: ModelRegistryEvent,
    retried: boolean,
  ) {
    const stored = await store.get(model, 'epic', '-');
    if (stored) return stored.key;
    const modelLabel = `mlreg-model-${label(model)}`;
    const { issues } = await jira.searchIssues({
      jql: `project = ${project} AND issuetype = ${issueTypes.epic} AND labels = ${modelLabel}`,
      maxResults: 1,
    });
    const epic = issues[0]
      ? { key: issues[0].key, url: jira.issueUrl(issues[0].key) }
      : await createOnce(event, retried, {
          projectKey: project,
          issueType: issueTypes.epic,
          summary: `Model ${model}`,
          description: `Work on the registry model ${model}.`,
          labels: ['mlreg', modelLabel],
        });
    await store.put({
      model,
      kind: 'epic',
      subject: '-',
      ...epic,
      state: 'open',
    });
    return epic.key;
  }

  /** Whether Jira still has the issue open (not in the done category). */
  async function isOpen(key: string): Promise<boolean> {
    const issue = await jira.getIssue(key, { fields: ['status'] });
    const status = issue.fields.status as
      | { name?: string; statusCategory?: { key?: string } }
      | undefined;
    if (status?.statusCategory?.key)
      return status.statusCategory.key !== 'done';
    // Servers that leave out the category: the usual names of done.
    return !['done', 'closed', 'resolved'].includes(
      (status?.name ?? '').toLowerCase(),
    );
  }

  return {
    id: 'jira',
    filter: { types: JIRA_EVENT_TYPES },
    async deliver(event) {
      const state = await store.eventState(event.eventId);
      if (state === 'done' || !event.model) return;
      const recipients = await router.resolve(event);
      const project = recipients.jiraProjectKey;
      if (!project) return;
      const retried = state === 'started';
      await store.markEvent(event.eventId, 'started');
      const model = event.model;
      const { title } = describeModelRegistryEvent(event);
      const f = readPayloadFields(event);
      let key: string | undefined;

      if (event.type === 'version.registered') {
        const epic = await epicOf(model, project, event, retried);
        const subject = String(f.version ?? '-');
        const issue = await createOnce(event, retried, {
          projectKey: project,
          issueType: issueTypes.version,
          summary: `Validate and deploy ${model} v${subject}`,
          description: describe(
            event,
            recipients,
            portalUrl,
            'A new version was registered: validate it against the current production version, then request its promotion and deployment.',
          ),
          labels: ['mlreg', `mlreg-model-${label(model)}`],
          parentKey: epic,
        });
        await store.put({
          model,
          kind: 'version',
          subject,
          ...issue,
          state: 'open',
        });
        key = issue.key;
      } else {
        const environment = f.environment ?? '-';
        const incident = await store.get(model, 'incident', environment);
        if (event.type === 'monitor.recovered') {
          if (incident && incident.state === 'open') {
            await jira.addComment(
              incident.key,
              describe(event, recipients, portalUrl, `Recovered: ${title}`),
            );
            await store.put({ ...incident, state: 'recovered' });
            key = incident.key;
          }
        } else if (incident && (await isOpen(incident.key))) {
          await jira.addComment(
            incident.key,
            describe(event, recipients, portalUrl, `Again: ${title}`),
          );
          await jira.updateIssue(incident.key, {
            summary: `Incident: ${title}`,
          });
          await store.put({ ...incident, state: 'open' });
          key = incident.key;
        } else {
          const issue = await createOnce(event, retried, {
            projectKey: project,
            issueType: issueTypes.incident,
            summary: `Incident: ${title}`,
            description: describe(
              event,
              recipients,
              portalUrl,
              'The registry detected a problem with a deployed model. Further occurrences are added as comments until the issue is done.',
            ),
            labels: [
              'mlreg',
              'mlreg-incident',
              `mlreg-model-${label(model)}`,
              `mlreg-env-${label(environment)}`,
            ],
          });
          await store.put({
            model,
            kind: 'incident',
            subject: environment,
            ...issue,
            state: 'open',
          });
          key = issue.key;
        }
      }
      await store.markEvent(event.eventId, 'done', key);
    },
  };
}
