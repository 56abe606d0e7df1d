export { useModelName } from './useModelName';
export { useModelPermission } from './useModelPermission';
export { RegistryErrorPanel } from './RegistryErrorPanel';
export { describeError, formatTimestamp, formatValue } from './format';
export { useActionOutcome } from './useActionOutcome';
