import { actorOf } from '../authorization';
import { route } from '../route';
import { RouteContext } from '../RouteContext';
import { closeConnectionAfterAnswer } from '../uploadConnection';

/** Deployments, drift reports, reference profiles, production batches and drift checks of a model. */
export function monitoringRoutes({ services }: RouteContext) {
  return [
    route('listDeployments', async ({ params, query }) => {
      return services.deployments.list(params.name, {
        ...query,
        limit: query.limit ?? 50,
      });
    }),
    route('listDriftReports', async ({ params, query }) => {
      return services.drift.listReports(params.name, {
        ...query,
        limit: query.limit ?? 50,
      });
    }),
    route('getReferenceProfile', async ({ params }) => {
      return services.drift.getReferenceProfile(params.name, params.version);
    }),
    route('putReferenceProfile', async ({ params, body, credentials, req }) => {
      return services.drift.putReferenceProfile(
        params.name,
        params.version,
        body.features,
        actorOf(credentials, req),
      );
    }),
    route(
      'uploadReferenceData',
      async ({ params, query, credentials, req }) => {
        try {
          return await services.drift.uploadReferenceData(
            params.name,
            params.version,
            { body: req, format: query.format },
            actorOf(credentials, req),
          );
        } catch (error) {
          // The client may still be sending: answer, then hang up.
          closeConnectionAfterAnswer(req);
          throw error;
        }
      },
    ),
    route(
      'uploadProductionData',
      async ({ params, query, credentials, req }) => {
        try {
          return await services.drift.uploadProductionData(
            params.name,
            params.environment,
            {
              version: query.version,
              observedAt: query.observedAt,
            },
            { body: req, format: query.format },
            actorOf(credentials, req),
          );
        } catch (error) {
          closeConnectionAfterAnswer(req);
          throw error;
        }
      },
    ),
    route('postProductionBatch', async ({ params, body, credentials, req }) => {
      return services.drift.postProductionBatch(
        params.name,
        params.environment,
        body,
        actorOf(credentials, req),
      );
    }),
    route('recordMonitorEvent', async ({ params, body, credentials, req }) => {
      return services.monitor.record(
        params.name,
        body,
        actorOf(credentials, req),
      );
    }),
    route('checkDrift', async ({ params, body, credentials, req }) => {
      return services.drift.check(
        params.name,
        params.environment,
        body,
        actorOf(credentials, req),
      );
    }),
  ];
}
