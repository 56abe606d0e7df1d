import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { RegistryStores } from '../database/RegistryDatabase';
import { ArtifactStore } from '../storage/ArtifactStore';

/**
 * Removes stored objects no version references: the bytes of uploads that
 * died or lost a race. Objects younger than `graceMs` are left alone, since
 * an upload may still be writing them.
 */
export class ArtifactCleaner {
  constructor(
    private readonly db: RegistryStores,
    private readonly artifacts: ArtifactStore,
    private readonly logger: LoggerService,
    private readonly graceMs = 6 * 60 * 60_000,
  ) {}

  async clean(now = new Date()): Promise<number> {
    let removed = 0;
    for await (const { key, lastModified } of this.artifacts.list()) {
      if (now.getTime() - lastModified.getTime() < this.graceMs) continue;
      if (await this.db.read.versions.isArtifactReferenced(key)) continue;
      await this.artifacts.delete(key);
      removed += 1;
    }
    if (removed > 0)
      this.logger.info(`Removed ${removed} orphaned artifact object(s)`);
    return removed;
  }

  async schedule(scheduler: SchedulerService): Promise<void> {
    await scheduler.scheduleTask({
      id: 'model-registry-artifact-cleaner',
      frequency: { hours: 1 },
      timeout: { minutes: 30 },
      initialDelay: { minutes: 5 },
      scope: 'global',
      fn: async () => {
        await this.clean();
      },
    });
  }
}
