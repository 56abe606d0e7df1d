import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'Register a model with just its name and owner',
    example: yaml.stringify({
      steps: [
        {
          id: 'register-model',
          action: 'model-registry:model:create',
          name: 'Register the model',
          input: {
            name: 'churn-predictor',
            owner: 'group:default/data-science',
          },
        },
      ],
    }),
  },
  {
    description:
      'Register a model with its description, task, framework, tags and repository',
    example: yaml.stringify({
      steps: [
        {
          id: 'register-model',
          action: 'model-registry:model:create',
          name: 'Register the model',
          input: {
            name: 'fraud-detector',
            owner: 'group:default/payments',
            description: 'Scores card transactions for fraud',
            task: 'classification',
            framework: 'xgboost',
            tags: ['payments', 'tabular'],
            repoUrl: 'https://github.com/acme/fraud-detector',
          },
        },
      ],
    }),
  },
];
