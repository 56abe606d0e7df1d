import { modelReadPermission } from '@mlreg/plugin-model-registry-common';
import { route } from '../route';
import { RouteContext } from '../RouteContext';

/** The audit trail of a model. */
export function auditRoutes({ services, access }: RouteContext) {
  return [
    route('listAuditRecords', async ({ params, query, credentials }) => {
      await access.authorizeModel(
        credentials,
        modelReadPermission,
        params.name,
      );
      return services.audit.list({
        model: params.name,
        ...query,
        limit: query.limit ?? 50,
      });
    }),
  ];
}
