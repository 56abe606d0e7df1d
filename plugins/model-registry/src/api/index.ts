export { modelRegistryApiRef } from './ModelRegistryApiRef';
export { downloadArtifact } from './downloadArtifact';
