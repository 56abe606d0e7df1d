import {
  createMockDirectory,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { startJiraTestServer } from '@mlreg/jira-client/testUtils';
import {
  MODEL,
  startIntegratedRegistry,
} from './__testUtils__/startIntegratedRegistry';
import { startSlackTestServer } from './testUtils';

jest.setTimeout(600_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
const EVENTS = 1_000;

/** A reproducible sequence in [0, 1). */
function random(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

async function waitFor(
  what: string,
  probe: () => Promise<boolean> | boolean,
  ms = 300_000,
) {
  const until = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 250));
  }
}

describe.each(databases.eachSupportedId())('chaos (%s)', id => {
  it(`delivers ${EVENTS} events exactly once to Slack and Jira while both fail 30 % of calls and the dispatcher restarts twice`, async () => {
    const knex = await databases.init(id);
    const roll = random(42);
    let slackFaults = 0;
    let jiraFaults = 0;
    const slack = await startSlackTestServer({
      fault: () => {
        if (roll() >= 0.3) return undefined;
        slackFaults += 1;
        return roll() < 0.5
          ? { status: 429, retryAfterSeconds: 1 }
          : { status: 500 };
      },
    });
    const jira = await startJiraTestServer({
      fault: () => {
        if (roll() >= 0.3) return undefined;
        jiraFaults += 1;
        return roll() < 0.5
          ? { status: 429, headers: { 'Retry-After': '1' } }
          : { status: 500, body: { errorMessages: ['Internal server error'] } };
      },
    });
    const options = {
      knex,
      artifactDir: createMockDirectory().path,
      slackApiUrl: slack.apiUrl,
      jiraBaseUrl: jira.baseUrl,
      retry: {
        maxAttempts: 100,
        baseDelay: { milliseconds: 50 },
        maxDelay: { seconds: 1 },
      },
    };
    const versionIssues = () =>
      [...jira.issues.values()].filter(i => i.issueType === 'Task');

    let registry = await startIntegratedRegistry(options);
    await registry.createModel();
    await registry.registerVersions(EVENTS);

    // Two restarts while deliveries are under way.
    for (const after of [EVENTS * 0.25, EVENTS * 0.6]) {
      await waitFor(
        `${after} Slack messages`,
        () => slack.messages.length >= after,
      );
      await registry.backend.stop();
      registry = await startIntegratedRegistry(options);
    }

    await waitFor('every delivery', async () => {
      const s = await registry.subscribers();
      return s.slack.delivered === EVENTS && s.jira.delivered === EVENTS;
    });

    // Slack: one message per version, each once.
    const texts = slack.messages.map(m => m.text);
    expect(new Set(texts).size).toBe(EVENTS);
    expect(texts).toHaveLength(EVENTS);
    for (let v = 1; v <= EVENTS; v++) {
      expect(texts).toContain(`Version registered: ${MODEL} v${v}`);
    }
    // Jira: one validate-and-deploy issue per version, under one epic.
    const summaries = versionIssues().map(i => i.summary);
    expect(summaries).toHaveLength(EVENTS);
    expect(new Set(summaries).size).toBe(EVENTS);
    expect(
      [...jira.issues.values()].filter(i => i.issueType === 'Epic'),
    ).toHaveLength(1);
    // The delivery log says the same: everything delivered, nothing dead or pending.
    const log = await registry.subscribers();
    expect(log.slack).toEqual({ pending: 0, delivered: EVENTS, dead: 0 });
    expect(log.jira).toEqual({ pending: 0, delivered: EVENTS, dead: 0 });
    // The receivers really failed that often.
    expect(slackFaults / slack.calls.length).toBeGreaterThan(0.2);
    expect(jiraFaults / jira.requests.length).toBeGreaterThan(0.2);
    // eslint-disable-next-line no-console
    console.log(
      `chaos (${id}): Slack ${slack.calls.length} calls, ${slackFaults} failed; Jira ${jira.requests.length} requests, ${jiraFaults} failed`,
    );
    await registry.backend.stop();
    await slack.close();
    await jira.close();
  });
});
