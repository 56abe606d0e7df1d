import { Entity } from '@backstage/catalog-model';
import {
  CatalogCollatorEntityTransformer,
  defaultCatalogCollatorEntityTransformer,
} from '@backstage/plugin-search-backend-module-catalog';
import { isModelEntity } from '@mlreg/plugin-model-registry-common';

/**
 * Indexes `Model` entities with their framework and tags besides what the
 * catalog collator indexes for every entity (name, title, description,
 * owner), so that a search for "xgboost" finds the models built with it.
 */
export const modelEntityTransformer: CatalogCollatorEntityTransformer = (
  entity: Entity,
) => {
  const document = defaultCatalogCollatorEntityTransformer(entity);
  if (!isModelEntity(entity)) return document;
  const extra = [entity.spec.framework, ...(entity.metadata.tags ?? [])]
    .filter(Boolean)
    .join(' ');
  return {
    ...document,
    text: [document.text, extra].filter(Boolean).join(' '),
  };
};
