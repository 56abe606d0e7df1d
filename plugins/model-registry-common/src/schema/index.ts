/*
 * Every shape of the REST API, defined once as a zod schema: the backend
 * validates with them, the OpenAPI document is generated from them, the
 * typed client and the TypeScript types are derived from them.
 */
export * from './primitives';
export * from './models';
export * from './versions';
export * from './aliases';
export * from './kpis';
export * from './monitoring';
export * from './lineage';
export * from './audit';
export * from './deliveries';
export * from './batch';
