import { PortfolioSummary } from '@mlreg/plugin-model-registry-common';
import { RegistryStores } from '../database/RegistryDatabase';
import { ModelFilter } from '../permissions/rules';

/** Tells which of the given entity refs are entities of the catalog. */
export type EntityLookup = (entityRefs: string[]) => Promise<Set<string>>;

/** Figures over the whole portfolio of models, for the Models page. */
export class PortfolioService {
  constructor(
    private readonly db: RegistryStores,
    private readonly findEntities: EntityLookup,
  ) {}

  /**
   * Counts over the non-archived models the filter lets through. Everything
   * is counted in SQL but `withoutOwner`: the distinct owners are looked up
   * in the catalog, and the models of the missing ones added up.
   */
  async summary(filter: ModelFilter | undefined): Promise<PortfolioSummary> {
    const figures = await this.db.read.models.summary(filter);
    const owners = await this.db.read.models.ownerCounts(filter);
    const known =
      owners.length === 0
        ? new Set<string>()
        : await this.findEntities(owners.map(o => o.owner));
    const withoutOwner = owners
      .filter(o => !known.has(o.owner))
      .reduce((sum, o) => sum + o.models, 0);
    return { ...figures, withoutOwner };
  }
}
