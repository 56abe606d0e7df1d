import {
  coreServices,
  createBackendModule,
  SchedulerService,
} from '@backstage/backend-plugin-api';

/**
 * A module that hands out the registry's scheduler, so a test or bench can
 * trigger its tasks (with `mockServices.scheduler.factory`, tasks only run
 * when triggered).
 */
export function schedulerOfRegistry() {
  let scheduler: SchedulerService | undefined;
  return {
    module: createBackendModule({
      pluginId: 'model-registry',
      moduleId: 'test-scheduler',
      register(reg) {
        reg.registerInit({
          deps: { service: coreServices.scheduler },
          async init({ service }) {
            scheduler = service;
          },
        });
      },
    }),
    get scheduler(): SchedulerService {
      if (!scheduler) throw new Error('the backend has not started');
      return scheduler;
    },
  };
}
