/**
 * Scaffolder actions of the Model Registry.
 *
 * @packageDocumentation
 */
export { scaffolderModuleModelRegistry as default } from './module';
export { createModelAction } from './actions/createModel';
export { createRepoCreateAction } from './actions/repoCreate';
export {
  createJiraEpicCreateAction,
  DEFAULT_CHECKLIST,
} from './actions/jiraEpicCreate';
export { createPipelineCreateAction } from './actions/pipelineCreate';
export { PIPELINE_SYSTEMS } from './pipelines/types';
export type { PipelineSystem } from './pipelines/types';
