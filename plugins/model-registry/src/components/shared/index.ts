export { useModelName } from './useModelName';
export { useModelPermission } from './useModelPermission';
export { RegistryErrorPanel } from './RegistryErrorPanel';
export { formatTimestamp, formatValue } from './format';
