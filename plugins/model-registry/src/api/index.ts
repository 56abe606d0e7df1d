export { modelRegistryApiRef } from './ModelRegistryApiRef';
