/**
 * A typed client for the Jira REST API: Cloud (v3, ADF) and Data Center (v2).
 *
 * @packageDocumentation
 */
export * from './adf';
export * from './config';
export * from './errors';
export * from './JiraClient';
