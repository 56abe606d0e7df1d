import { useEntity } from '@backstage/plugin-catalog-react';
import { getModelRegistryName } from '@mlreg/plugin-model-registry-common';

/** The registry name of the Model entity whose page is showing. */
export function useModelName(): string {
  const { entity } = useEntity();
  return getModelRegistryName(entity);
}
