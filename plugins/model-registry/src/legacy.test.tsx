import { screen } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { AnyApiFactory } from '@backstage/core-plugin-api';
import {
  mockApis,
  registerMswTestHooks,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import {
  entityRouteRef,
  EntityProvider,
} from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { ModelRegistryApi } from '@mlreg/plugin-model-registry-common';
import { Route, Routes } from 'react-router-dom';
import { modelRegistryApiRef } from './api';
import { makeModel, modelEntity } from './components/__testUtils__';
import {
  EntityModelDeploymentsContent,
  EntityModelDriftContent,
  EntityModelHistoryContent,
  EntityModelLineageContent,
  EntityModelOverviewContent,
  EntityModelVersionsContent,
  modelRegistryPlugin,
  ModelsPage,
} from './legacy';

const model = makeModel({ description: 'Scores card transactions' });

/** The client the legacy plugin's own API factory builds. */
function clientFromPluginFactory() {
  const factory = [...modelRegistryPlugin.getApis()].find(
    (f: AnyApiFactory) => f.api.id === modelRegistryApiRef.id,
  );
  if (!factory) throw new Error('the legacy plugin provides no registry API');
  return factory.factory({
    discoveryApi: mockApis.discovery({ baseUrl: 'http://localhost:7007' }),
    fetchApi: { fetch },
  }) as ModelRegistryApi;
}

describe('legacy frontend system exports', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  beforeEach(() => {
    server.use(
      http.get('*/api/model-registry/models', () =>
        HttpResponse.json({ items: [model] }),
      ),
      http.get('*/api/model-registry/models/fraud-detector', () =>
        HttpResponse.json(model),
      ),
      http.get('*/api/model-registry/models/fraud-detector/kpis', () =>
        HttpResponse.json({ items: [] }),
      ),
      http.get('*/api/model-registry/summary', () =>
        HttpResponse.json({
          models: 1,
          inProduction: 0,
          drifting: 0,
          failedDeployments: 0,
          withoutOwner: 0,
          withoutModelCard: 1,
        }),
      ),
    );
  });

  const apis = () =>
    [
      [modelRegistryApiRef, clientFromPluginFactory()],
      [permissionApiRef, mockApis.permission()],
      [catalogApiMock.factory().api, catalogApiMock()],
    ] as const;

  it('renders the Models page in a legacy app', async () => {
    await renderInTestApp(
      <TestApiProvider apis={apis()}>
        {/* As an app's route table mounts it. */}
        <Routes>
          <Route path="/*" element={<ModelsPage />} />
        </Routes>
      </TestApiProvider>,
      {
        mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      },
    );
    expect(
      await screen.findByRole('link', { name: 'fraud-detector' }),
    ).toHaveAttribute('href', '/catalog/default/model/fraud-detector');
  });

  it('renders an entity tab inside a legacy entity page', async () => {
    await renderInTestApp(
      <TestApiProvider apis={apis()}>
        <EntityProvider entity={modelEntity}>
          <EntityModelOverviewContent />
        </EntityProvider>
      </TestApiProvider>,
      {
        mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      },
    );
    expect(
      await screen.findByText('Scores card transactions'),
    ).toBeInTheDocument();
  });

  it('links lineage nodes to their entities in a legacy app', async () => {
    // jsdom has no SVG layout; the graph measures its nodes with getBBox.
    Object.defineProperty(window.SVGElement.prototype, 'getBBox', {
      configurable: true,
      value: () => ({ x: 0, y: 0, width: 120, height: 44 }),
    });
    server.use(
      http.get('*/api/model-registry/models/fraud-detector/lineage', () =>
        HttpResponse.json({
          nodes: [
            {
              id: 'model:fraud-detector',
              kind: 'model',
              label: 'fraud-detector',
              entityRef: 'model:default/fraud-detector',
            },
            {
              id: 'version:fraud-detector/1',
              kind: 'version',
              label: 'fraud-detector v1',
            },
            {
              id: 'dataset:resource:default/card-transactions',
              kind: 'dataset',
              label: 'card-transactions',
              entityRef: 'resource:default/card-transactions',
            },
          ],
          edges: [
            {
              from: 'version:fraud-detector/1',
              to: 'model:fraud-detector',
              type: 'versionOf',
            },
            {
              from: 'dataset:resource:default/card-transactions',
              to: 'version:fraud-detector/1',
              type: 'trainedOn',
            },
          ],
        }),
      ),
    );
    await renderInTestApp(
      <TestApiProvider apis={apis()}>
        <EntityProvider entity={modelEntity}>
          <EntityModelLineageContent />
        </EntityProvider>
      </TestApiProvider>,
      {
        mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      },
    );
    const dataset = await screen.findByText('card-transactions');
    expect(dataset.closest('a')).toHaveAttribute(
      'href',
      '/catalog/default/resource/card-transactions',
    );
    delete (window.SVGElement.prototype as any).getBBox;
  });

  it.each([
    ['Versions', EntityModelVersionsContent, 'No versions registered yet'],
    ['Drift', EntityModelDriftContent, 'No drift reports yet'],
    [
      'Deployments',
      EntityModelDeploymentsContent,
      'No environments configured',
    ],
    ['History', EntityModelHistoryContent, 'No changes recorded yet'],
  ])(
    'renders the %s tab in a legacy app',
    async (_tab, Content, emptyTitle) => {
      const empty = () => HttpResponse.json({ items: [] });
      server.use(
        http.get('*/api/model-registry/models/fraud-detector/versions', empty),
        http.get(
          '*/api/model-registry/models/fraud-detector/drift/reports',
          empty,
        ),
        http.get(
          '*/api/model-registry/models/fraud-detector/deployments',
          empty,
        ),
        http.get(
          '*/api/model-registry/models/fraud-detector/environments',
          empty,
        ),
        http.get('*/api/model-registry/models/fraud-detector/audit', empty),
      );
      await renderInTestApp(
        <TestApiProvider apis={apis()}>
          <EntityProvider entity={modelEntity}>
            <Content />
          </EntityProvider>
        </TestApiProvider>,
        {
          mountedRoutes: {
            '/catalog/:namespace/:kind/:name': entityRouteRef,
          },
        },
      );
      expect(await screen.findByText(emptyTitle)).toBeInTheDocument();
    },
  );
});
