import {
  aliasSetPermission,
  modelReadPermission,
} from '@mlreg/plugin-model-registry-common';
import { actorOf } from '../authorization';
import { route } from '../route';
import { RouteContext } from '../RouteContext';

/** Aliases: list, resolve, set or move, delete. */
export function aliasRoutes({ services, access }: RouteContext) {
  return [
    route('listAliases', async ({ params, credentials }) => {
      await access.authorizeModel(
        credentials,
        modelReadPermission,
        params.name,
      );
      return { items: await services.aliases.list(params.name) };
    }),
    route('getVersionByAlias', async ({ params, credentials }) => {
      await access.authorizeModel(
        credentials,
        modelReadPermission,
        params.name,
      );
      return services.versions.getByAlias(params.name, params.alias);
    }),
    route('setAlias', async ({ params, body, credentials, req }) => {
      await access.authorizeModel(credentials, aliasSetPermission, params.name);
      return services.aliases.set(
        params.name,
        params.alias,
        body.version,
        actorOf(credentials, req),
      );
    }),
    route('deleteAlias', async ({ params, credentials, req }) => {
      await access.authorizeModel(credentials, aliasSetPermission, params.name);
      await services.aliases.delete(
        params.name,
        params.alias,
        actorOf(credentials, req),
      );
    }),
  ];
}
