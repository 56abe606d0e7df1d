/*
 * Local servers standing in for Slack (port 7801) and Jira (port 7802), for
 * running the example portal with the Slack and Jira modules and no SaaS:
 *
 *   yarn workspace @mlreg/plugin-model-registry-backend-module-slack local-services
 *   yarn workspace backend start --config ../../app-config.yaml \
 *     --config ../../app-config.example.yaml --config ../../app-config.integrations.yaml
 *
 * Every Slack message and Jira issue is printed as it arrives.
 */
import { startJiraTestServer } from '@mlreg/jira-client/testUtils';
import http from 'node:http';
import { startSlackTestServer } from '../src/testUtils';

async function main() {
  const slack = await startSlackTestServer({
    port: Number(process.env.SLACK_PORT ?? 7801),
    tokens: ['xoxb-local'],
    channels: [
      '#ml-registry',
      '#fraud-models',
      '#churn-models',
      '#ml-platform',
      '#data-science',
    ],
  });
  const jira = await startJiraTestServer({
    projects: ['FRAUD', 'CHURN', 'DEMAND', 'OFFERS', 'LLM', 'MLR'].map(key => ({
      key,
    })),
  });
  // The Jira server picks a free port; a fixed one forwards to it.
  const jiraPort = Number(process.env.JIRA_PORT ?? 7802);
  const target = new URL(jira.baseUrl);
  http
    .createServer((req, res) => {
      const forward = http.request(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: req.headers,
        },
        answer => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forward.on('error', () => res.writeHead(502).end());
      req.pipe(forward);
    })
    .listen(jiraPort, '127.0.0.1');
  console.log(`Slack Web API: ${slack.apiUrl} (token xoxb-local)`);
  console.log(
    `Jira: http://127.0.0.1:${jiraPort} (jira@example.com / api-token)`,
  );
  let messages = 0;
  const seen = new Set<string>();
  setInterval(() => {
    for (const m of slack.messages.slice(messages)) {
      console.log(
        `[slack] ${m.channelName}${m.threadTs ? ' (thread)' : ''}: ${m.text}`,
      );
    }
    messages = slack.messages.length;
    for (const issue of jira.issues.values()) {
      if (seen.has(issue.key)) continue;
      seen.add(issue.key);
      console.log(`[jira] ${issue.key} ${issue.issueType}: ${issue.summary}`);
    }
  }, 500);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
