import {
  modelReadPermission,
  modelUpdatePermission,
} from '@mlreg/plugin-model-registry-common';
import { actorOf } from '../authorization';
import { route } from '../route';
import { RouteContext } from '../RouteContext';

/** Business KPIs: current values, record a value, history. */
export function kpiRoutes({ services, access }: RouteContext) {
  return [
    route('listKpis', async ({ params, credentials }) => {
      await access.authorizeModel(
        credentials,
        modelReadPermission,
        params.name,
      );
      return { items: await services.kpis.list(params.name) };
    }),
    route('setKpi', async ({ params, body, credentials, req }) => {
      await access.authorizeModel(
        credentials,
        modelUpdatePermission,
        params.name,
      );
      return services.kpis.set(
        params.name,
        params.kpi,
        body,
        actorOf(credentials, req),
      );
    }),
    route('kpiHistory', async ({ params, query, credentials }) => {
      await access.authorizeModel(
        credentials,
        modelReadPermission,
        params.name,
      );
      return {
        items: await services.kpis.history(
          params.name,
          params.kpi,
          query.limit ?? 100,
        ),
      };
    }),
  ];
}
