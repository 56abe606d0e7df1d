import { actorOf } from '../authorization';
import { route } from '../route';
import { RouteContext } from '../RouteContext';

/** Business KPIs: current values, record a value, history. */
export function kpiRoutes({ services }: RouteContext) {
  return [
    route('listKpis', async ({ params }) => {
      return { items: await services.kpis.list(params.name) };
    }),
    route('setKpi', async ({ params, body, credentials, req }) => {
      return services.kpis.set(
        params.name,
        params.kpi,
        body,
        actorOf(credentials, req),
      );
    }),
    route('kpiHistory', async ({ params, query }) => {
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
