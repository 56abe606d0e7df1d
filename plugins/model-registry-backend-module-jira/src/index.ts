/**
 * Jira issues for Model Registry events.
 *
 * @packageDocumentation
 */
export { modelRegistryModuleJira as default } from './module';
export { JIRA_EVENT_TYPES } from './JiraEventSubscriber';
