import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { RegistryStores } from '../database/RegistryDatabase';
import { Actor } from './Actor';
import { ArtifactCleaner } from './ArtifactCleaner';
import { recordChange } from './recordChange';

/** Who marks expired versions FAILED, in the audit trail and events. */
export const REAPER_ACTOR: Actor = { ref: 'service:plugin:model-registry' };

const BATCH = 100;

/**
 * Marks versions FAILED that stayed PENDING (registered, waiting for their
 * artifact) for longer than `pendingTimeoutMs`: their upload never came or
 * died with the client or the backend. Each one is settled like any failure,
 * its audit record and outbox event in the same transaction, with a
 * `failureReason` that says why. Whatever partial objects their uploads left
 * (temporary files, objects written but never recorded) no version
 * references, so the artifact cleaner's pass that follows removes them.
 *
 * An upload can never be running for a version this old: uploads are cut at
 * `modelRegistry.storage.upload.timeout`, which must be shorter.
 */
export class PendingVersionReaper {
  constructor(
    private readonly db: RegistryStores,
    private readonly cleaner: ArtifactCleaner,
    private readonly logger: LoggerService,
    private readonly pendingTimeoutMs: number,
  ) {}

  /** Fails every expired PENDING version; resolves to how many. */
  async reap(now = new Date()): Promise<number> {
    const before = new Date(now.getTime() - this.pendingTimeoutMs);
    const hours = this.pendingTimeoutMs / 3_600_000;
    const reason = `upload did not complete within ${
      Number.isInteger(hours) ? `${hours} hours` : `${this.pendingTimeoutMs} ms`
    } of registration (modelRegistry.storage.upload.pendingTimeout); marked FAILED by the registry`;
    let failed = 0;
    for (;;) {
      const expired = await this.db.read.versions.listPendingBefore(
        before,
        BATCH,
      );
      let settledNow = 0;
      for (const version of expired) {
        const settled = await this.db.transaction(async stores => {
          const at = new Date();
          // Only if still PENDING: an upload may have finished meanwhile.
          if (
            !(await stores.versions.settle(
              version.id,
              { status: 'FAILED', reason },
              REAPER_ACTOR.ref,
              at,
            ))
          ) {
            return false;
          }
          await recordChange(stores, REAPER_ACTOR, at, {
            action: 'version.fail',
            event: 'version.failed',
            target: `model:${version.model}/versions/${version.version}`,
            model: { id: version.modelId, name: version.model },
            version: version.version,
            before: { status: 'PENDING' },
            after: { status: 'FAILED', reason },
            payload: {
              model: version.model,
              version: version.version,
              status: 'FAILED',
              reason,
            },
          });
          return true;
        });
        if (settled) settledNow += 1;
      }
      failed += settledNow;
      // A full batch of which none settled would be read again: stop.
      if (expired.length < BATCH || settledNow === 0) break;
    }
    if (failed > 0) {
      this.logger.info(
        `Marked ${failed} version(s) FAILED that stayed PENDING for longer than ${this.pendingTimeoutMs} ms`,
      );
      await this.cleaner.clean(now);
    }
    return failed;
  }

  async schedule(scheduler: SchedulerService): Promise<void> {
    await scheduler.scheduleTask({
      id: 'model-registry-pending-version-reaper',
      frequency: { minutes: 15 },
      timeout: { minutes: 10 },
      initialDelay: { minutes: 2 },
      // One replica at a time, like the artifact cleaner.
      scope: 'global',
      fn: async () => {
        await this.reap();
      },
    });
  }
}
