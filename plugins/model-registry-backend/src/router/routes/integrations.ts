import {
  deliveryReadPermission,
  deliveryReplayPermission,
} from '@mlreg/plugin-model-registry-common';
import { route } from '../route';
import { RouteContext } from '../RouteContext';

/** Installed integrations, the delivery log and manual replay. */
export function integrationRoutes({ services, access }: RouteContext) {
  return [
    route('getInstalledIntegrations', async ({ credentials }) => {
      await access.authorizeBasic(credentials, deliveryReadPermission);
      return services.integrations.getInstalled();
    }),
    route('listSubscribers', async ({ credentials }) => {
      await access.authorizeBasic(credentials, deliveryReadPermission);
      return { items: await services.deliveries.listSubscribers() };
    }),
    route('listDeliveries', async ({ query, credentials }) => {
      await access.authorizeBasic(credentials, deliveryReadPermission);
      return services.deliveries.listDeliveries(query);
    }),
    route('replayDelivery', async ({ params, credentials }) => {
      await access.authorizeBasic(credentials, deliveryReplayPermission);
      return services.deliveries.replayDelivery(params);
    }),
    route('replayDeadDeliveries', async ({ params, credentials }) => {
      await access.authorizeBasic(credentials, deliveryReplayPermission);
      return services.deliveries.replayDeadDeliveries(params);
    }),
  ];
}
