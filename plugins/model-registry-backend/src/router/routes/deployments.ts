import { actorOf } from '../authorization';
import { route } from '../route';
import { RouteContext } from '../RouteContext';

/** Environments, deploy requests, rollbacks and pipeline reports. */
export function deploymentRoutes({ services }: RouteContext) {
  return [
    route('listModelEnvironments', async ({ params }) => {
      return { items: await services.rollouts.listEnvironments(params.name) };
    }),
    route('createDeployment', async ({ params, body, credentials, req }) => {
      return services.rollouts.deploy(
        params.name,
        body,
        actorOf(credentials, req),
      );
    }),
    route('rollbackDeployment', async ({ params, body, credentials, req }) => {
      return services.rollouts.rollback(
        params.name,
        params.id,
        actorOf(credentials, req),
        body.reason,
      );
    }),
    route(
      'reportDeploymentStatus',
      async ({ params, body, credentials, req }) => {
        return services.rollouts.reportStatus(
          params.name,
          params.id,
          body,
          actorOf(credentials, req),
        );
      },
    ),
  ];
}
