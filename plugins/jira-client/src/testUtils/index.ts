/**
 * A local Jira server for tests of packages that use `@mlreg/jira-client`.
 *
 * @packageDocumentation
 */
export * from './startJiraTestServer';
