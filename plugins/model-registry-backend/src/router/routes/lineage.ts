import { modelReadPermission } from '@mlreg/plugin-model-registry-common';
import { route } from '../route';
import { RouteContext } from '../RouteContext';

/** The lineage graph of a model. */
export function lineageRoutes({ services, access }: RouteContext) {
  return [
    route('getLineage', async ({ params, credentials }) => {
      await access.authorizeModel(
        credentials,
        modelReadPermission,
        params.name,
      );
      return services.lineage.graph(params.name);
    }),
  ];
}
