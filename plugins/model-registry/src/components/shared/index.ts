export { useModelName } from './useModelName';
export { useModelPermission } from './useModelPermission';
export { RegistryErrorPanel } from './RegistryErrorPanel';
export { describeError, formatTimestamp, formatValue } from './format';
export { useActionOutcome } from './useActionOutcome';
export { useQueryParams } from './useQueryParams';
export type { SetQueryParam } from './useQueryParams';
export { isFirstPageEmpty } from './table';
export { MODEL_CARD_FIELDS } from './modelCard';
