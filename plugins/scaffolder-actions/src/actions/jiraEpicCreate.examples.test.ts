import { mockServices } from '@backstage/backend-test-utils';
import {
  JiraTestServer,
  startJiraTestServer,
} from '@mlreg/jira-client/testUtils';
import yaml from 'yaml';
import { actionContext, outputsOf } from '../__testUtils__/actionContext';
import {
  createJiraEpicCreateAction,
  DEFAULT_CHECKLIST,
} from './jiraEpicCreate';
import { examples } from './jiraEpicCreate.examples';

describe('model-registry:jira:epic:create examples', () => {
  let jira: JiraTestServer;

  beforeAll(async () => {
    jira = await startJiraTestServer();
  });

  afterAll(() => jira.close());

  it.each(examples.map(e => [e.description, e.example]))(
    '%s',
    async (_d, example) => {
      const [step] = yaml.parse(example).steps;
      expect(step.action).toBe('model-registry:jira:epic:create');
      const action = createJiraEpicCreateAction({
        config: mockServices.rootConfig({
          data: {
            modelRegistry: {
              jira: {
                baseUrl: jira.baseUrl,
                apiVersion: 3,
                auth: { email: 'jira@example.com', token: 'api-token' },
              },
            },
          },
        }),
      });
      const ctx = actionContext(step.input);
      await action.handler(ctx as any);

      const { epicKey, childKeys } = outputsOf(ctx) as {
        epicKey: string;
        childKeys: string[];
      };
      const epic = jira.issues.get(epicKey)!;
      expect(epic).toMatchObject({
        projectKey: step.input.projectKey,
        issueType: 'Epic',
      });
      const checklist = step.input.checklist ?? DEFAULT_CHECKLIST;
      expect(childKeys.map(k => jira.issues.get(k)!.summary)).toEqual(
        checklist.map(
          (c: { summary: string }) => `${c.summary}: ${step.input.modelName}`,
        ),
      );
      expect(
        childKeys.every(k => jira.issues.get(k)!.parentKey === epicKey),
      ).toBe(true);
    },
  );
});
