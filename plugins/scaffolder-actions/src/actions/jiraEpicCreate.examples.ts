import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'An epic with the default checklist (data preparation, training, evaluation, model card, deployment, monitoring), linked to the repository',
    example: yaml.stringify({
      steps: [
        {
          id: 'jira',
          action: 'model-registry:jira:epic:create',
          name: 'Create the Jira epic',
          input: {
            projectKey: 'MLR',
            modelName: 'churn-predictor',
            repoUrl: 'https://github.com/acme/churn-predictor',
          },
        },
      ],
    }),
  },
  {
    description:
      'An epic with its own summary, labels and checklist of stories',
    example: yaml.stringify({
      steps: [
        {
          id: 'jira',
          action: 'model-registry:jira:epic:create',
          name: 'Create the Jira epic',
          input: {
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
          },
        },
      ],
    }),
  },
];
