import { modelReadPermission } from '@mlreg/plugin-model-registry-common';
import { route } from '../route';
import { RouteContext } from '../RouteContext';

/** Deployments, drift reports and reference profiles of a model. */
export function monitoringRoutes({ services, access }: RouteContext) {
  return [
    route('listDeployments', async ({ params, query, credentials }) => {
      await access.authorizeModel(
        credentials,
        modelReadPermission,
        params.name,
      );
      return services.deployments.list(params.name, {
        ...query,
        limit: query.limit ?? 50,
      });
    }),
    route('listDriftReports', async ({ params, query, credentials }) => {
      await access.authorizeModel(
        credentials,
        modelReadPermission,
        params.name,
      );
      return services.drift.listReports(params.name, {
        ...query,
        limit: query.limit ?? 50,
      });
    }),
    route('getReferenceProfile', async ({ params, credentials }) => {
      await access.authorizeModel(
        credentials,
        modelReadPermission,
        params.name,
      );
      return services.drift.getReferenceProfile(params.name, params.version);
    }),
  ];
}
