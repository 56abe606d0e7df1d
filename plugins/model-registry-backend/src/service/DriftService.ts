import { NotFoundError } from '@backstage/errors';
import {
  DriftReport,
  Page,
  ReferenceProfile,
} from '@mlreg/plugin-model-registry-common';
import { RegistryStores } from '../database/RegistryDatabase';
import { readPage, timestampAndId } from './cursor';
import { ModelService } from './ModelService';
import { VersionService } from './VersionService';

/**
 * The read side of drift monitoring. The drift engine records reports and
 * reference profiles through `DriftStore`.
 */
export class DriftService {
  constructor(
    private readonly db: RegistryStores,
    private readonly models: ModelService,
    private readonly versions: VersionService,
  ) {}

  /** The drift reports of a model, newest window first. */
  async listReports(
    modelName: string,
    query: { version?: number; since?: Date; limit: number; cursor?: string },
  ): Promise<Page<DriftReport>> {
    const model = await this.models.resolve(modelName);
    return readPage({
      cursor: query.cursor,
      limit: query.limit,
      accept: c => timestampAndId(c, 'windowEnd'),
      read: (after, limit) =>
        this.db.read.drift.listReports({
          modelId: model.id,
          version: query.version,
          since: query.since,
          after,
          limit,
        }),
      position: last => ({ windowEnd: last.windowEnd, id: last.id }),
    });
  }

  /** The reference profile of a version; 404 when the version or its profile is missing. */
  async getReferenceProfile(
    modelName: string,
    version: number,
  ): Promise<ReferenceProfile> {
    const stored = await this.versions.getStored(modelName, version);
    const profile = await this.db.read.drift.getReferenceProfile(
      stored.modelId,
      version,
    );
    if (!profile) {
      throw new NotFoundError(
        `version ${version} of model "${modelName}" has no reference profile`,
      );
    }
    return profile;
  }
}
