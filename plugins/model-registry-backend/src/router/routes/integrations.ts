import { route } from '../route';
import { RouteContext } from '../RouteContext';

/** Installed integrations, the delivery log and manual replay. */
export function integrationRoutes({ services }: RouteContext) {
  return [
    route('getInstalledIntegrations', async () => {
      return services.integrations.getInstalled();
    }),
    route('listSubscribers', async () => {
      return { items: await services.deliveries.listSubscribers() };
    }),
    route('listDeliveries', async ({ query }) => {
      return services.deliveries.listDeliveries(query);
    }),
    route('replayDelivery', async ({ params }) => {
      return services.deliveries.replayDelivery(params);
    }),
    route('replayDeadDeliveries', async ({ params }) => {
      return services.deliveries.replayDeadDeliveries(params);
    }),
  ];
}
