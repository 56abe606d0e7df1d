/*
 * Outbox dispatch and Slack latency with healthy receivers.
 *
 * Starts the real registry with the Slack and Jira modules (SQLite file in a
 * temporary directory, the real scheduler) against the local Slack and Jira
 * servers, then:
 *  1. throughput: registers BENCH_EVENTS versions (default 2000) in batches
 *     of 50 and measures how fast the outbox delivers them to every
 *     subscriber (events-service, slack, jira);
 *  2. latency: registers BENCH_SINGLE versions (default 200) one at a time,
 *     10 per second, and measures from each event's commit (its createdAt)
 *     to the Slack server receiving its message.
 *
 * yarn workspace @mlreg/plugin-model-registry-backend-module-slack bench:dispatch
 */
import { startJiraTestServer } from '@mlreg/jira-client/testUtils';
import knexFactory from 'knex';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startIntegratedRegistry } from '../src/__testUtils__/startIntegratedRegistry';
import { startSlackTestServer } from '../src/testUtils';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 2000);
const SINGLE = Number(process.env.BENCH_SINGLE ?? 200);

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'mlreg-bench-dispatch-'));
  const slack = await startSlackTestServer();
  const jira = await startJiraTestServer();
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: join(dir, 'registry.sqlite') },
    useNullAsDefault: true,
  });
  const registry = await startIntegratedRegistry({
    knex,
    artifactDir: join(dir, 'artifacts'),
    slackApiUrl: slack.apiUrl,
    jiraBaseUrl: jira.baseUrl,
  });
  try {
    await registry.createModel();
    const delivered = async (n: number) => {
      const s = await registry.subscribers();
      return ['events-service', 'slack', 'jira'].every(
        id => s[id].delivered >= n,
      );
    };
    await new Promise(resolve => setTimeout(resolve, 1000));

    // 1. Throughput.
    const started = performance.now();
    await registry.registerVersions(EVENTS);
    const registered = performance.now();
    while (!(await delivered(EVENTS))) {
      await new Promise(resolve => setTimeout(resolve, 20));
    }
    const done = performance.now();
    const seconds = (done - started) / 1000;
    console.log(
      `throughput: ${EVENTS} events to 3 subscribers (events-service, slack, jira) in ${seconds.toFixed(
        2,
      )} s ` +
        `(registration took ${((registered - started) / 1000).toFixed(
          2,
        )} s): ` +
        `${(EVENTS / seconds).toFixed(0)} events/s, ${(
          (3 * EVENTS) /
          seconds
        ).toFixed(0)} deliveries/s`,
    );

    // 2. Latency from commit to the Slack message.
    const first = slack.messages.length;
    for (let i = 0; i < SINGLE; i++) {
      await registry.registerVersions(1, EVENTS + i);
      await new Promise(resolve => setTimeout(resolve, 100));
    }
    while (slack.messages.length < first + SINGLE) {
      await new Promise(resolve => setTimeout(resolve, 20));
    }
    const latencies = slack.messages
      .slice(first)
      .map(m => {
        const context = m.blocks?.find(b => b.type === 'context');
        const createdAt = String(context?.elements[0].text).split(' · ').pop()!;
        return m.receivedAt - Date.parse(createdAt);
      })
      .sort((a, b) => a - b);
    console.log(
      `latency commit → Slack message over ${SINGLE} versions at 10/s: ` +
        `p50 ${percentile(latencies, 50)} ms, p95 ${percentile(
          latencies,
          95,
        )} ms, ` +
        `p99 ${percentile(latencies, 99)} ms, max ${
          latencies[latencies.length - 1]
        } ms`,
    );
    console.log(
      `load average: ${loadavg()
        .map(l => l.toFixed(2))
        .join(' ')}`,
    );
  } finally {
    await registry.backend.stop();
    await knex.destroy();
    await slack.close();
    await jira.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
