import { actorOf } from '../authorization';
import { route } from '../route';
import { RouteContext } from '../RouteContext';

const NO_MODELS = {
  models: 0,
  inProduction: 0,
  drifting: 0,
  failedDeployments: 0,
  withoutOwner: 0,
  withoutModelCard: 0,
};

/** Models: list, portfolio figures, create, read, change, archive, delete. */
export function modelRoutes({ services, access }: RouteContext) {
  return [
    route('listModels', async ({ query, credentials }) => {
      const filter = await access.readFilter(credentials);
      if (filter === null) return { items: [] };
      return services.models.list({
        search: query.search,
        namePrefix: query.prefix,
        owner: query.owner,
        tag: query.tag,
        framework: query.framework,
        task: query.task,
        alias: query.alias,
        drift: query.drift,
        archived: query.archived,
        sort: query.sort ?? 'name',
        order: query.order ?? 'asc',
        limit: query.limit ?? 50,
        cursor: query.cursor,
        filter,
      });
    }),
    route('getPortfolioSummary', async ({ credentials }) => {
      const filter = await access.readFilter(credentials);
      if (filter === null) return NO_MODELS;
      return services.portfolio.summary(filter);
    }),
    route('createModel', async ({ body, credentials, req }) => {
      return services.models.create(body, actorOf(credentials, req));
    }),
    route('getModel', async ({ params }) => {
      return services.models.get(params.name);
    }),
    route('updateModel', async ({ params, body, credentials, req }) => {
      return services.models.update(
        params.name,
        body,
        actorOf(credentials, req),
      );
    }),
    route('renameModel', async ({ params, body, credentials, req }) => {
      return services.models.rename(
        params.name,
        body.name,
        actorOf(credentials, req),
      );
    }),
    route('archiveModel', async ({ params, credentials, req }) => {
      return services.models.setArchived(
        params.name,
        true,
        actorOf(credentials, req),
      );
    }),
    route('restoreModel', async ({ params, credentials, req }) => {
      return services.models.setArchived(
        params.name,
        false,
        actorOf(credentials, req),
      );
    }),
    route('deleteModel', async ({ params, credentials, req }) => {
      await services.models.delete(params.name, actorOf(credentials, req));
    }),
  ];
}
