import { route } from '../route';
import { RouteContext } from '../RouteContext';

/** The lineage graph of a model. */
export function lineageRoutes({ services }: RouteContext) {
  return [
    route('getLineage', async ({ params, query }) => {
      return services.lineage.graph(params.name, query);
    }),
  ];
}
