import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import { exampleStep } from './exampleStep';

const step = (input: Record<string, unknown>) =>
  exampleStep(
    'repo',
    'model-registry:repo:create',
    'Create the repository',
    input,
  );

export const examples: TemplateExample[] = [
  {
    description:
      'A private repository in a GitHub organization, with topics ml-model and tabular and a protected main branch',
    example: step({
      repoUrl: 'github.com?owner=acme&repo=churn-predictor',
      description: 'Predicts which subscribers cancel within 30 days',
      topics: ['tabular'],
    }),
  },
  {
    description: 'An internal project in a GitLab group',
    example: step({
      repoUrl: 'gitlab.com?owner=ml&repo=fraud-detector',
      description: 'Scores card payments for fraud',
      visibility: 'internal',
    }),
  },
  {
    description:
      'A bare repository in the local directory of this portal (modelRegistry.scaffolder.localGit)',
    example: step({ repoUrl: 'local?repo=churn-predictor' }),
  },
  {
    description:
      'Push the workspace to an existing or new bare repository given by path',
    example: step({
      remoteUrl: '/srv/git/models/churn-predictor.git',
      defaultBranch: 'trunk',
    }),
  },
];
