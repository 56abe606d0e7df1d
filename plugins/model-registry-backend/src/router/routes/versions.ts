import {
  modelReadPermission,
  versionCreatePermission,
} from '@mlreg/plugin-model-registry-common';
import { actorOf } from '../authorization';
import { route } from '../route';
import { RouteContext } from '../RouteContext';

function toArray<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** Versions: search, list, register, read, change, fail, compare, trend. */
export function versionRoutes({ services, access }: RouteContext) {
  return [
    route('searchVersions', async ({ query, credentials }) => {
      const filter = await access.readFilter(credentials);
      if (filter === null) return { items: [] };
      if (query.model) {
        await access.authorizeModel(
          credentials,
          modelReadPermission,
          query.model,
        );
      }
      return services.versions.list({
        ...query,
        metrics: toArray(query.metric),
        limit: query.limit ?? 50,
        filter,
      });
    }),
    route('listVersions', async ({ params, query }) => {
      return services.versions.list({
        ...query,
        model: params.name,
        metrics: toArray(query.metric),
        limit: query.limit ?? 50,
      });
    }),
    route('registerVersion', async ({ params, body, credentials, req }) => {
      if (body.parent) {
        await access.authorizeModel(
          credentials,
          modelReadPermission,
          body.parent.model,
        );
      }
      return services.versions.register(
        params.name,
        body,
        actorOf(credentials, req),
      );
    }),
    route('registerVersions', async ({ body, credentials, req }) => {
      const models = new Set(body.items.map(item => item.model));
      const parents = new Set(
        body.items.flatMap(item =>
          item.version.parent ? [item.version.parent.model] : [],
        ),
      );
      for (const name of models) {
        await access.authorizeModel(credentials, versionCreatePermission, name);
      }
      for (const name of parents) {
        await access.authorizeModel(credentials, modelReadPermission, name);
      }
      return {
        items: await services.versions.registerMany(
          body.items,
          actorOf(credentials, req),
        ),
      };
    }),
    route('getVersion', async ({ params }) => {
      return services.versions.get(params.name, params.version);
    }),
    route('updateVersion', async ({ params, body, credentials, req }) => {
      return services.versions.update(
        params.name,
        params.version,
        body,
        actorOf(credentials, req),
      );
    }),
    route('failVersion', async ({ params, body, credentials, req }) => {
      return services.versions.fail(
        params.name,
        params.version,
        body.reason,
        actorOf(credentials, req),
      );
    }),
    route('compareVersions', async ({ params, query }) => {
      return services.versions.compare(params.name, query.versions);
    }),
    route('metricTrend', async ({ params, query }) => {
      return services.versions.metricTrend(params.name, params.key, query);
    }),
  ];
}
