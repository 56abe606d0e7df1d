import { route } from '../route';
import { RouteContext } from '../RouteContext';

/** Deployments, drift reports and reference profiles of a model. */
export function monitoringRoutes({ services }: RouteContext) {
  return [
    route('listDeployments', async ({ params, query }) => {
      return services.deployments.list(params.name, {
        ...query,
        limit: query.limit ?? 50,
      });
    }),
    route('listDriftReports', async ({ params, query }) => {
      return services.drift.listReports(params.name, {
        ...query,
        limit: query.limit ?? 50,
      });
    }),
    route('getReferenceProfile', async ({ params }) => {
      return services.drift.getReferenceProfile(params.name, params.version);
    }),
  ];
}
