import { NotFoundError } from '@backstage/errors';
import {
  DriftReport,
  Page,
  ReferenceProfile,
} from '@mlreg/plugin-model-registry-common';
import { RegistryDatabase } from '../database/RegistryDatabase';
import { decodeCursor, timestampAndId, toPage } from './cursor';
import { ModelService } from './ModelService';
import { VersionService } from './VersionService';

/**
 * The read side of drift monitoring. The drift engine records reports and
 * reference profiles through `DriftStore`.
 */
export class DriftService {
  constructor(
    private readonly db: RegistryDatabase,
    private readonly models: ModelService,
    private readonly versions: VersionService,
  ) {}

  /** The drift reports of a model, newest window first. */
  async listReports(
    modelName: string,
    query: { version?: number; since?: Date; limit: number; cursor?: string },
  ): Promise<Page<DriftReport>> {
    const model = await this.models.resolve(modelName);
    const after = query.cursor
      ? decodeCursor(query.cursor, timestampAndId('windowEnd'))
      : undefined;
    const rows = await this.db.read.drift.listReports({
      modelId: model.id,
      version: query.version,
      since: query.since,
      after,
      limit: query.limit + 1,
    });
    return toPage(rows, query.limit, last => ({
      windowEnd: last.windowEnd,
      id: last.id,
    }));
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
