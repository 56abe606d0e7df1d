import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import {
  Model,
  ModelEntityV1alpha1,
  ModelVersion,
} from '@mlreg/plugin-model-registry-common';
import { HttpResponse } from 'msw';
import { ReactElement } from 'react';
import { modelRegistryApi } from '../../plugin';

/** A Model entity whose registry name differs from its entity name. */
export const modelEntity: ModelEntityV1alpha1 = {
  apiVersion: 'mlreg.io/v1alpha1',
  kind: 'Model',
  metadata: {
    name: 'fraud-detector-entity',
    namespace: 'default',
    annotations: { 'mlreg.io/registry-name': 'fraud-detector' },
    links: [
      {
        url: 'https://grafana.acme.example/d/fraud-serving',
        title: 'Serving dashboard',
      },
    ],
  },
  spec: {
    type: 'classification',
    lifecycle: 'production',
    owner: 'group:default/data-science',
    // Unqualified, as catalog files usually write it.
    system: 'payments-risk',
  },
};

/** The registry's API under msw, for the model of {@link modelEntity}. */
export const MODEL_API = '*/api/model-registry/models/fraud-detector';

/**
 * Renders a tab inside an entity page of {@link modelEntity}, with the real
 * API client; msw stands in for the backend. Entity links resolve as in the
 * catalog. Every permission is granted unless `denied` names some.
 */
export function renderModelTab(
  element: ReactElement,
  options: { initialRouteEntries?: string[]; denied?: string[] } = {},
) {
  const { denied = [], ...rest } = options;
  return renderInTestApp(
    <EntityProvider entity={modelEntity}>{element}</EntityProvider>,
    {
      extensions: [modelRegistryApi],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      apis: [
        mockApis.permission({
          authorize: request =>
            denied.includes(request.permission.name)
              ? AuthorizeResult.DENY
              : AuthorizeResult.ALLOW,
        }),
      ],
      ...rest,
    },
  );
}

/** An error response in Backstage's error shape. */
export function errorResponse(status: number, message: string) {
  return HttpResponse.json(
    {
      error: { name: status === 404 ? 'NotFoundError' : 'Error', message },
      response: { statusCode: status },
    },
    { status },
  );
}

/** A READY version with the given number and overrides. */
export function makeVersion(
  version: number,
  overrides: Partial<ModelVersion> = {},
): ModelVersion {
  return {
    model: 'fraud-detector',
    version,
    status: 'READY',
    description: '',
    aliases: [],
    source: { commit: `c0ffee${version}abcdef` },
    parameters: {},
    metrics: [],
    datasets: [],
    tags: [],
    modelCard: {},
    annotations: {},
    createdAt: `2026-03-0${version}T10:00:00.000Z`,
    createdBy: 'user:default/dana',
    updatedAt: `2026-03-0${version}T10:00:00.000Z`,
    updatedBy: 'user:default/dana',
    ...overrides,
  };
}

/** The model of {@link modelEntity}, with the given overrides. */
export function makeModel(overrides: Partial<Model> = {}): Model {
  return {
    name: 'fraud-detector',
    owner: 'group:default/data-science',
    description: 'Scores every card payment for fraud',
    task: 'classification',
    tags: [],
    links: {},
    archived: false,
    aliases: {},
    health: {},
    createdAt: '2026-01-01T00:00:00.000Z',
    createdBy: 'user:default/dana',
    updatedAt: '2026-01-01T00:00:00.000Z',
    updatedBy: 'user:default/dana',
    ...overrides,
  };
}
