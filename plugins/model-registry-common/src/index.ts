/**
 * Types, permissions and the API client shared by the Model Registry packages.
 *
 * @packageDocumentation
 */
export * from './permissions';
export * from './types';
export * from './validation';
export * from './api';
export * from './entity';
