/** A local Slack Web API server for tests and local setups. */
export * from './startSlackTestServer';
