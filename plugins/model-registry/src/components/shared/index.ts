export { useModelName } from './useModelName';
export { RegistryErrorPanel } from './RegistryErrorPanel';
export { formatTimestamp, formatValue } from './format';
