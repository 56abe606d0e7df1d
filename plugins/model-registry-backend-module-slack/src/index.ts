/**
 * Slack messages about Model Registry events.
 *
 * @packageDocumentation
 */
export { modelRegistryModuleSlack as default } from './module';
export { DEFAULT_SLACK_EVENTS } from './SlackEventSubscriber';
