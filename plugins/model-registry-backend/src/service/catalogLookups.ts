import { stringifyEntityRef } from '@backstage/catalog-model';
import { AuthService } from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { ConsumerLookup } from './LineageService';
import { EntityLookup } from './PortfolioService';

/** How many refs go into one catalog request. */
const REFS_PER_REQUEST = 500;

/**
 * What the registry asks the catalog, with the plugin's own credentials:
 * lineage and portfolio figures describe the registry, not what the caller
 * happens to see of the catalog (reading the model is checked before).
 */
export function createCatalogLookups(
  catalog: CatalogService,
  auth: AuthService,
): { findConsumers: ConsumerLookup; findEntities: EntityLookup } {
  const credentials = () => auth.getOwnServiceCredentials();
  return {
    async findConsumers(modelName) {
      // Components declare `dependsOn: [model:<name>]` in catalog-info.yaml.
      const { items } = await catalog.getEntities(
        {
          filter: { 'relations.dependsOn': `model:default/${modelName}` },
          fields: [
            'kind',
            'metadata.name',
            'metadata.namespace',
            'metadata.title',
          ],
        },
        { credentials: await credentials() },
      );
      return items.map(entity => ({
        entityRef: stringifyEntityRef(entity),
        title: entity.metadata.title ?? entity.metadata.name,
      }));
    },

    async findEntities(entityRefs) {
      const found = new Set<string>();
      for (let i = 0; i < entityRefs.length; i += REFS_PER_REQUEST) {
        const chunk = entityRefs.slice(i, i + REFS_PER_REQUEST);
        const { items } = await catalog.getEntitiesByRefs(
          { entityRefs: chunk, fields: ['kind', 'metadata.name'] },
          { credentials: await credentials() },
        );
        items.forEach((entity, index) => {
          if (entity) found.add(chunk[index]);
        });
      }
      return found;
    },
  };
}
