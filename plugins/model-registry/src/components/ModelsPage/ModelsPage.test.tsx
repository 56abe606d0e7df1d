import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { Model, PortfolioSummary } from '@mlreg/plugin-model-registry-common';
import { modelRegistryApi } from '../../plugin';
import { makeModel } from '../__testUtils__';
import { ModelsPage } from './ModelsPage';

const MODELS_API = '*/api/model-registry/models';

const fraudDetector = makeModel({
  description: 'Scores card transactions',
  framework: 'xgboost',
  tags: ['payments'],
  latestVersion: 4,
  aliases: { production: 3, staging: 4 },
  keyMetric: 'auc',
  keyMetricValue: { key: 'auc', value: 0.9412, version: 3 },
  health: {
    drift: {
      verdict: 'drift',
      windowEnd: '2026-03-02T00:00:00.000Z',
      version: 3,
    },
    lastDeployment: {
      environment: 'production',
      version: 3,
      status: 'failed',
      at: '2026-03-01T12:00:00.000Z',
    },
    outOfSync: ['production'],
  },
});

const churnPredictor: Model = {
  ...fraudDetector,
  name: 'churn-predictor',
  description: 'Predicts cancellations',
  owner: 'group:default/growth',
  framework: 'lightgbm',
  aliases: {},
  latestVersion: undefined,
  keyMetric: undefined,
  keyMetricValue: undefined,
  health: {},
};

const summary: PortfolioSummary = {
  models: 12,
  inProduction: 7,
  drifting: 2,
  failedDeployments: 1,
  withoutOwner: 3,
  withoutModelCard: 5,
};

/** Catalog Model entities, for the filter options. */
const entities = [fraudDetector, churnPredictor].map(m => ({
  apiVersion: 'mlreg.io/v1alpha1',
  kind: 'Model',
  metadata: { name: m.name, namespace: 'default', tags: m.tags },
  spec: {
    type: 'classification',
    owner: m.owner,
    framework: m.framework,
    lifecycle: 'production',
  },
}));

describe('ModelsPage', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  /** Serves the given models and records every list query. */
  function serveModels(items: Model[]) {
    const queries: URLSearchParams[] = [];
    server.use(
      http.get(MODELS_API, ({ request }) => {
        queries.push(new URL(request.url).searchParams);
        return HttpResponse.json({ items });
      }),
      http.get('*/api/model-registry/summary', () =>
        HttpResponse.json(summary),
      ),
    );
    return queries;
  }

  // The real API client talks HTTP; msw stands in for the backend.
  const render = (initialRouteEntries?: string[]) =>
    renderInTestApp(<ModelsPage />, {
      extensions: [modelRegistryApi],
      apis: [catalogApiMock({ entities })],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      initialRouteEntries,
    });

  it('shows the portfolio summary and what each model runs', async () => {
    serveModels([fraudDetector, churnPredictor]);
    await render();
    const row = (await screen.findByText('Scores card transactions')).closest(
      '[role="row"]',
    ) as HTMLElement;
    expect(
      within(row).getByRole('link', { name: 'fraud-detector' }),
    ).toHaveAttribute('href', '/catalog/default/model/fraud-detector');
    // production, and the version the key metric comes from
    expect(within(row).getAllByText('v3')).toHaveLength(2);
    expect(within(row).getByText('v4')).toBeInTheDocument(); // latest
    expect(within(row).getByText('auc 0.9412')).toBeInTheDocument();
    expect(within(row).getByText('Drifting')).toBeInTheDocument();
    expect(
      within(row).getByText('v3 to production: failed'),
    ).toBeInTheDocument();
    expect(
      within(row).getByText(/^Out of sync in production; /),
    ).toBeInTheDocument();

    const other = screen
      .getByText('Predicts cancellations')
      .closest('[role="row"]') as HTMLElement;
    expect(within(other).getByText('Not monitored')).toBeInTheDocument();
    expect(within(other).getByText('Never deployed')).toBeInTheDocument();

    const drifting = screen.getByLabelText('Drifting');
    expect(within(drifting).getByText('2')).toBeInTheDocument();
    expect(
      within(screen.getByLabelText('Without model card')).getByText('5'),
    ).toBeInTheDocument();
    expect(
      within(screen.getByLabelText('In production')).getByText('7'),
    ).toBeInTheDocument();
  });

  it('filters by drift status and owner together', async () => {
    const queries = serveModels([fraudDetector]);
    await render();
    await screen.findByText('fraud-detector');

    await userEvent.click(screen.getByRole('button', { name: /drift/i }));
    await userEvent.click(
      await screen.findByRole('option', { name: 'Drifting' }),
    );
    await waitFor(() => expect(queries.at(-1)?.get('drift')).toBe('drifting'));

    // Owners come from the catalog's Model entities.
    await userEvent.click(screen.getByRole('button', { name: /owner/i }));
    await userEvent.click(
      await screen.findByRole('option', { name: 'group:default/growth' }),
    );
    await waitFor(() =>
      expect(queries.at(-1)?.get('owner')).toBe('group:default/growth'),
    );
    expect(queries.at(-1)?.get('drift')).toBe('drifting');
  });

  it('applies filters and search from a shared URL', async () => {
    const queries = serveModels([]);
    await render(['/?framework=xgboost&archived=only&q=fraud&drift=bogus']);
    expect(
      await screen.findByText('No models match "fraud"'),
    ).toBeInTheDocument();
    const query = queries.at(-1)!;
    expect(query.get('framework')).toBe('xgboost');
    expect(query.get('archived')).toBe('only');
    expect(query.get('search')).toBe('fraud');
    // A value the API would refuse is dropped rather than sent.
    expect(query.get('drift')).toBeNull();
  });

  it('searches by name as the user types', async () => {
    const queries = serveModels([fraudDetector]);
    await render();
    await screen.findByText('fraud-detector');
    await userEvent.type(screen.getByRole('searchbox'), 'fraud');
    await waitFor(() => expect(queries.at(-1)?.get('search')).toBe('fraud'));
  });

  it('sorts by last update when that column is chosen', async () => {
    const queries = serveModels([fraudDetector]);
    await render();
    await screen.findByText('fraud-detector');
    expect(queries.at(-1)?.get('sort')).toBe('name');
    await userEvent.click(
      screen.getByRole('columnheader', { name: /updated/i }),
    );
    await waitFor(() => expect(queries.at(-1)?.get('sort')).toBe('updatedAt'));
  });

  it('says how to register a model when there is none', async () => {
    serveModels([]);
    await render();
    expect(
      await screen.findByText('No models registered yet'),
    ).toBeInTheDocument();
  });

  it('shows the error of a failing backend', async () => {
    server.use(
      http.get(MODELS_API, () =>
        HttpResponse.json(
          { error: { name: 'Error', message: 'database is down' } },
          { status: 503 },
        ),
      ),
      http.get('*/api/model-registry/summary', () =>
        HttpResponse.json(
          { error: { name: 'Error', message: 'database is down' } },
          { status: 503 },
        ),
      ),
    );
    await render();
    expect(await screen.findAllByText(/database is down/)).not.toHaveLength(0);
  });
});
