import { actorOf } from '../authorization';
import { route } from '../route';
import { RouteContext } from '../RouteContext';

/** The lineage graph of a model, and the runs lineage emitters report. */
export function lineageRoutes({ services }: RouteContext) {
  return [
    route('getLineage', async ({ params, query }) => {
      return services.lineage.graph(params.name, query);
    }),
    route('exportVersionCycloneDx', async ({ params }) => {
      return services.lineage.cycloneDx(params.name, params.version);
    }),
    route('recordVersionRun', async ({ params, body, credentials, req }) => {
      return services.lineage.recordRun(
        params.name,
        params.version,
        body,
        actorOf(credentials, req),
      );
    }),
  ];
}
