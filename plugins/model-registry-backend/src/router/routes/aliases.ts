import { actorOf } from '../authorization';
import { route } from '../route';
import { RouteContext } from '../RouteContext';

/** Aliases: list, resolve, set or move, delete. */
export function aliasRoutes({ services }: RouteContext) {
  return [
    route('listAliases', async ({ params }) => {
      return { items: await services.aliases.list(params.name) };
    }),
    route('getVersionByAlias', async ({ params }) => {
      return services.versions.getByAlias(params.name, params.alias);
    }),
    route('setAlias', async ({ params, body, credentials, req }) => {
      return services.aliases.set(
        params.name,
        params.alias,
        body.version,
        actorOf(credentials, req),
      );
    }),
    route('deleteAlias', async ({ params, credentials, req }) => {
      await services.aliases.delete(
        params.name,
        params.alias,
        actorOf(credentials, req),
      );
    }),
  ];
}
