import { route } from '../route';
import { RouteContext } from '../RouteContext';

/** The audit trail of a model. */
export function auditRoutes({ services }: RouteContext) {
  return [
    route('listAuditRecords', async ({ params, query }) => {
      return services.audit.list({
        model: params.name,
        ...query,
        limit: query.limit ?? 50,
      });
    }),
  ];
}
