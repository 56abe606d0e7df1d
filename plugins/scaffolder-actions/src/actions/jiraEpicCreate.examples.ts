import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import { exampleStep } from './exampleStep';

const step = (input: Record<string, unknown>) =>
  exampleStep(
    'jira',
    'model-registry:jira:epic:create',
    'Create the Jira epic',
    input,
  );

export const examples: TemplateExample[] = [
  {
    description:
      'An epic with the default checklist (data preparation, training, evaluation, model card, deployment, monitoring), linked to the repository',
    example: step({
      projectKey: 'MLR',
      modelName: 'churn-predictor',
      repoUrl: 'https://github.com/acme/churn-predictor',
    }),
  },
  {
    description:
      'An epic with its own summary, labels and checklist of stories',
    example: step({
      projectKey: 'OPS',
      modelName: 'fraud-detector',
      summary: 'Fraud detector v1',
      description: 'Replace the rules engine with a learned model',
      labels: ['ml-model', 'payments'],
      childIssueType: 'Story',
      checklist: [
        { summary: 'Label six months of chargebacks' },
        {
          summary: 'Shadow deployment',
          description: 'Score live traffic without acting on it',
        },
      ],
    }),
  },
];
