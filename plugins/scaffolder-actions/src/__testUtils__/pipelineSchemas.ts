import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import githubWorkflowSchema from '../__fixtures__/schemas/github-workflow.json';
import gitlabCiSchema from '../__fixtures__/schemas/gitlab-ci.json';

function validator(schema: object) {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  return ajv.compile(schema);
}

/** Validates a parsed workflow against GitHub's published workflow schema. */
export const validateGithubWorkflow = validator(githubWorkflowSchema);

/** Validates a parsed pipeline against GitLab's published CI schema. */
export const validateGitlabCi = validator(gitlabCiSchema);
