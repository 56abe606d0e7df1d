export * from './ModelRegistryClient';
export * from './operations';
