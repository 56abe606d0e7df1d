import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'Register a model owned by the team that runs the template',
    example: yaml.stringify({
      steps: [
        {
          id: 'register-model',
          action: 'model-registry:model:create',
          name: 'Register the model',
          input: {
            name: '${{ parameters.name }}',
            owner: '${{ parameters.owner }}',
            description: '${{ parameters.description }}',
            task: 'classification',
            framework: 'xgboost',
            tags: ['tabular'],
            repoUrl: 'https://github.com/acme/${{ parameters.name }}',
          },
        },
      ],
    }),
  },
];
