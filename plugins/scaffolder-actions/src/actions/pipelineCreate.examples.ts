import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import { exampleStep } from './exampleStep';

const step = (input: Record<string, unknown>) =>
  exampleStep(
    'pipeline',
    'model-registry:pipeline:create',
    'Write the pipeline',
    input,
  );

export const examples: TemplateExample[] = [
  {
    description: 'A GitHub Actions workflow calling this portal’s registry',
    example: step({ modelName: 'churn-predictor', system: 'github-actions' }),
  },
  {
    description:
      'A GitLab CI pipeline on Python 3.12 with its own aliases and token variable',
    example: step({
      modelName: 'fraud-detector',
      system: 'gitlab-ci',
      pythonVersion: '3.12',
      stagingAlias: 'canary',
      productionAlias: 'production',
      tokenSecret: 'REGISTRY_TOKEN',
    }),
  },
  {
    description: 'A Jenkinsfile, and the Jenkins job that runs it',
    example: step({
      modelName: 'churn-predictor',
      system: 'jenkins',
      jenkinsJob: {
        name: 'churn-predictor',
        folder: 'ml',
        remoteUrl: 'https://github.com/acme/churn-predictor.git',
      },
    }),
  },
];
