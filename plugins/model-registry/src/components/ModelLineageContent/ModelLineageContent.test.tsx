import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { coreApis } from '@backstage/frontend-plugin-api';
import {
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import {
  LineageEdge,
  LineageGraph,
  LineageNode,
} from '@mlreg/plugin-model-registry-common';
import { modelRegistryApi } from '../../plugin';
import { errorResponse, MODEL_API, modelEntity } from '../__testUtils__';
import { ModelLineageContent } from './ModelLineageContent';

const model: LineageNode = {
  id: 'model:fraud-detector',
  kind: 'model',
  label: 'fraud-detector',
  entityRef: 'model:default/fraud-detector',
};

function version(n: number, modelName = 'fraud-detector'): LineageNode {
  return {
    id: `version:${modelName}/${n}`,
    kind: 'version',
    label: `${modelName} v${n}`,
  };
}

const versionOf = (n: number): LineageEdge => ({
  from: `version:fraud-detector/${n}`,
  to: model.id,
  type: 'versionOf',
});

const lineage: LineageGraph = {
  nodes: [
    model,
    version(1),
    version(2),
    {
      id: 'dataset:resource:default/transactions',
      kind: 'dataset',
      label: 'transactions',
      entityRef: 'resource:default/transactions',
    },
    {
      id: 'dataset:s3://holdout/march.parquet',
      kind: 'dataset',
      label: 's3://holdout/march.parquet',
    },
    { id: 'run:run-42', kind: 'run', label: 'run-42' },
    version(7, 'base-model'),
    {
      id: 'deployment:prod',
      kind: 'deployment',
      label: 'prod / fraud',
    },
    {
      id: 'catalog:component:default/checkout',
      kind: 'component',
      label: 'checkout',
      entityRef: 'component:default/checkout',
    },
  ],
  edges: [
    versionOf(1),
    versionOf(2),
    {
      from: 'version:fraud-detector/2',
      to: 'dataset:resource:default/transactions',
      type: 'trainedOn',
    },
    {
      from: 'version:fraud-detector/2',
      to: 'dataset:s3://holdout/march.parquet',
      type: 'evaluatedOn',
    },
    { from: 'version:fraud-detector/2', to: 'run:run-42', type: 'producedBy' },
    {
      from: 'version:fraud-detector/2',
      to: 'version:base-model/7',
      type: 'derivedFrom',
    },
    {
      from: 'version:fraud-detector/1',
      to: 'deployment:prod',
      type: 'deployedAs',
    },
    {
      from: 'catalog:component:default/checkout',
      to: model.id,
      type: 'consumes',
    },
  ],
};

/** A model with versions 1 to `count`, version 1 deployed. */
function manyVersions(count: number): LineageGraph {
  const numbers = Array.from({ length: count }, (_, i) => i + 1);
  return {
    nodes: [model, ...numbers.map(n => version(n)), lineage.nodes[7]],
    edges: [
      ...numbers.map(versionOf),
      {
        from: 'version:fraud-detector/1',
        to: 'deployment:prod',
        type: 'deployedAs',
      },
    ],
  };
}

/**
 * A large lineage: versions 1 to `count`, each trained on one of five data
 * sets and evaluated on its own, produced by a run from a commit, and
 * retrained from the version before; three components consume the model.
 */
function largeLineage(count: number): LineageGraph {
  const numbers = Array.from({ length: count }, (_, i) => i + 1);
  const consumers = ['checkout', 'refunds', 'risk-dashboard'];
  const node = (id: string, kind: LineageNode['kind']): LineageNode => ({
    id,
    kind,
    label: id.split(':')[1],
  });
  const vid = (n: number) => `version:fraud-detector/${n}`;
  return {
    nodes: [
      model,
      ...numbers.map(n => version(n)),
      ...[0, 1, 2, 3, 4].map(d => node(`dataset:s3://train/${d}`, 'dataset')),
      ...numbers.flatMap(n => [
        node(`dataset:s3://holdout/${n}`, 'dataset'),
        node(`run:run-${n}`, 'run'),
        node(`commit:${(0xabc000 + n).toString(16)}`, 'commit'),
      ]),
      lineage.nodes[7],
      ...consumers.map(c =>
        node(`catalog:component:default/${c}`, 'component'),
      ),
    ],
    edges: [
      ...numbers.flatMap((n): LineageEdge[] => [
        versionOf(n),
        { from: vid(n), to: `dataset:s3://train/${n % 5}`, type: 'trainedOn' },
        { from: vid(n), to: `dataset:s3://holdout/${n}`, type: 'evaluatedOn' },
        { from: vid(n), to: `run:run-${n}`, type: 'producedBy' },
        {
          from: vid(n),
          to: `commit:${(0xabc000 + n).toString(16)}`,
          type: 'builtFrom',
        },
      ]),
      ...numbers.slice(1).map(
        (n): LineageEdge => ({
          from: vid(n),
          to: vid(n - 1),
          type: 'derivedFrom',
        }),
      ),
      { from: vid(1), to: 'deployment:prod', type: 'deployedAs' },
      ...consumers.map(
        (c): LineageEdge => ({
          from: `catalog:component:default/${c}`,
          to: model.id,
          type: 'consumes',
        }),
      ),
    ],
  };
}

describe('ModelLineageContent', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  // jsdom has no SVG layout; the graph measures its nodes with getBBox.
  beforeAll(() => {
    Object.defineProperty(window.SVGElement.prototype, 'getBBox', {
      configurable: true,
      value: () => ({ x: 0, y: 0, width: 120, height: 44 }),
    });
  });
  afterAll(() => {
    delete (window.SVGElement.prototype as any).getBBox;
  });

  function serveLineage(graph: LineageGraph) {
    server.use(
      http.get(`${MODEL_API}/lineage`, () => HttpResponse.json(graph)),
    );
  }

  function renderTab(initialRouteEntries?: string[]) {
    return renderInTestApp(
      <EntityProvider entity={modelEntity}>
        <ModelLineageContent />
      </EntityProvider>,
      {
        extensions: [modelRegistryApi],
        mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
        initialRouteEntries,
      },
    );
  }

  const link = (name: string) => screen.getByRole('link', { name });

  it('draws where the versions came from and what uses them, with links', async () => {
    serveLineage(lineage);
    await renderTab();

    const graph = await screen.findByLabelText('Lineage graph');
    expect(
      await within(graph).findByRole('link', { name: 'Data set transactions' }),
    ).toHaveAttribute('href', '/catalog/default/resource/transactions');
    expect(link('Component checkout')).toHaveAttribute(
      'href',
      '/catalog/default/component/checkout',
    );
    // The model links to the entity on show, not to its registry name.
    expect(link('Model fraud-detector')).toHaveAttribute(
      'href',
      '/catalog/default/model/fraud-detector-entity',
    );
    expect(link('Version fraud-detector v2')).toHaveAttribute(
      'href',
      '/catalog/default/model/fraud-detector-entity/versions?version=2',
    );
    expect(link('Version base-model v7')).toHaveAttribute(
      'href',
      '/catalog/default/model/base-model/versions?version=7',
    );
    // Nodes without a catalog entity are drawn but lead nowhere.
    expect(within(graph).getByText('run-42')).toBeInTheDocument();
    expect(
      screen.queryByRole('link', { name: /run-42/ }),
    ).not.toBeInTheDocument();
    expect(within(graph).getByText('prod / fraud')).toBeInTheDocument();

    for (const relation of [
      'training data of',
      'evaluation data of',
      'produced',
      'parent of',
      'deployed as',
      'consumed by',
    ]) {
      expect(within(graph).getByText(relation)).toBeInTheDocument();
    }
    expect(within(graph).getAllByText('version of')).toHaveLength(2);
    expect(screen.getByText('Showing all 2 versions.')).toBeInTheDocument();
  });

  it('shows the newest 20 versions and keeps another choice in the URL', async () => {
    serveLineage(manyVersions(30));
    const { apis } = await renderTab();

    const graph = await screen.findByLabelText('Lineage graph');
    expect(
      await screen.findByText(
        'Showing 21 of 30 versions, deployed ones always included.',
      ),
    ).toBeInTheDocument();
    expect(
      await within(graph).findByText('fraud-detector v30'),
    ).toBeInTheDocument();
    expect(within(graph).getByText('fraud-detector v11')).toBeInTheDocument();
    expect(
      within(graph).queryByText('fraud-detector v10'),
    ).not.toBeInTheDocument();
    // Version 1 is old but deployed.
    expect(within(graph).getByText('fraud-detector v1')).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: /Versions/ }));
    await userEvent.click(await screen.findByRole('option', { name: 'All' }));

    expect(
      await screen.findByText('Showing all 30 versions.'),
    ).toBeInTheDocument();
    expect(apis.get(coreApis.appHistory)?.getSnapshot().location.search).toBe(
      '?versions=all',
    );
  });

  it('takes the number of versions from the URL', async () => {
    serveLineage(manyVersions(30));
    await renderTab(['/?versions=10']);

    expect(
      await screen.findByText(
        'Showing 11 of 30 versions, deployed ones always included.',
      ),
    ).toBeInTheDocument();
  });

  /** The box the graph is drawn in, and the card around it. */
  function graphBox(graph: HTMLElement) {
    const viewport = graph.closest<HTMLElement>(
      '[data-testid="lineage-graph-viewport"]',
    );
    const card = viewport?.closest<HTMLElement>('.bui-Card');
    if (!viewport || !card) throw new Error('the graph is not in its card');
    return { viewport, card };
  }

  it('fits a large lineage into its card: zoomed to fit, clipped, never wider than the card', async () => {
    serveLineage(largeLineage(40));
    await renderTab(['/?versions=all']);

    const graph = await screen.findByLabelText('Lineage graph');
    expect(
      await within(graph).findByText('fraud-detector v40'),
    ).toBeInTheDocument();
    expect(screen.getByText('Showing all 40 versions.')).toBeInTheDocument();

    const { viewport, card } = graphBox(graph);
    expect(
      within(card).getByRole('heading', { name: 'Lineage graph' }),
    ).toBeInTheDocument();
    // However wide the layout, the box is as wide as the card and no wider,
    // of a fixed height, and clips what zooming in moves past its edges.
    expect(viewport).toHaveStyle({
      width: '100%',
      maxWidth: '100%',
      minWidth: '0',
      height: '600px',
      overflow: 'hidden',
      display: 'grid',
      gridTemplateColumns: 'minmax(0, 1fr)',
    });
    // fit="contain": the drawing fills the box and its viewBox scales the
    // whole layout into it (fit="grow" would make it as tall as the layout).
    expect(graph).toHaveAttribute('width', '100%');
    expect(graph).toHaveAttribute('height', '100%');
    const [, , viewWidth, viewHeight] = graph
      .getAttribute('viewBox')!
      .split(' ')
      .map(Number);
    // 40 versions in a chain are many times wider and taller than the box.
    expect(viewWidth).toBeGreaterThan(2000);
    expect(viewHeight).toBeGreaterThan(600);
  });

  it('draws a small lineage in a smaller box', async () => {
    serveLineage(manyVersions(1));
    await renderTab();

    const graph = await screen.findByLabelText('Lineage graph');
    expect(
      await within(graph).findByText('fraud-detector v1'),
    ).toBeInTheDocument();
    const { viewport } = graphBox(graph);
    expect(viewport).toHaveStyle({ height: '240px', overflow: 'hidden' });
    expect(graph).toHaveAttribute('height', '100%');
  });

  it('says how lineage appears when the model has no versions', async () => {
    serveLineage({ nodes: [model], edges: [] });
    await renderTab();

    expect(await screen.findByText('No lineage yet')).toBeInTheDocument();
  });

  it('shows the error of a failing backend', async () => {
    server.use(
      http.get(`${MODEL_API}/lineage`, () =>
        errorResponse(503, 'database is down'),
      ),
    );
    await renderTab();

    expect(await screen.findByText(/database is down/)).toBeInTheDocument();
  });

  it('explains a model the registry does not know', async () => {
    server.use(
      http.get(`${MODEL_API}/lineage`, () =>
        errorResponse(404, 'no such model'),
      ),
    );
    await renderTab();

    expect(
      await screen.findByText('The registry has no model "fraud-detector"'),
    ).toBeInTheDocument();
  });
});
