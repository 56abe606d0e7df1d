import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { Kpi, Model } from '@mlreg/plugin-model-registry-common';
import {
  errorResponse,
  makeModel,
  makeVersion,
  MODEL_API,
  renderModelTab,
} from '../__testUtils__';
import { ModelOverviewContent } from './ModelOverviewContent';

const model = makeModel({
  links: {
    repoUrl: 'https://github.com/acme/fraud-detector',
    jiraProject: 'FRAUD',
    slackChannel: '#fraud-models',
  },
  latestVersion: 4,
  aliases: { champion: 3, production: 2 },
  keyMetric: 'auc',
  keyMetricValue: { key: 'auc', value: 0.93, version: 2 },
  health: {
    drift: {
      verdict: 'drift',
      windowEnd: '2026-03-02T00:00:00.000Z',
      version: 2,
    },
    lastDeployment: {
      environment: 'production',
      version: 2,
      status: 'failed',
      at: '2026-03-01T12:00:00.000Z',
    },
  },
});

const kpi: Kpi = {
  name: 'fraud-loss-avoided',
  value: 125000,
  unit: 'EUR',
  period: '2026-02',
  source: 'finance-dwh',
  updatedAt: '2026-03-01T00:00:00.000Z',
  updatedBy: 'user:default/dana',
};

describe('ModelOverviewContent', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  function serve(options: {
    model: Model;
    kpis?: Kpi[];
    versions?: Record<number, ReturnType<typeof makeVersion>>;
  }) {
    server.use(
      http.get(MODEL_API, () => HttpResponse.json(options.model)),
      http.get(`${MODEL_API}/kpis`, () =>
        HttpResponse.json({ items: options.kpis ?? [] }),
      ),
      http.get(`${MODEL_API}/versions/:version`, ({ params }) => {
        const version = options.versions?.[Number(params.version)];
        return version
          ? HttpResponse.json(version)
          : errorResponse(404, 'no such version');
      }),
    );
  }

  it('says a model is neither deployed nor monitored yet', async () => {
    serve({
      model: { ...model, health: {}, keyMetricValue: undefined },
      versions: { 2: makeVersion(2) },
    });
    await renderModelTab(<ModelOverviewContent />);
    expect(
      await screen.findByRole('status', { name: 'Deployment: Never deployed' }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('status', { name: 'Drift: Not monitored' }),
    ).toBeInTheDocument();
    expect(
      screen.getByText('auc (no version reports it yet)'),
    ).toBeInTheDocument();
  });

  it('lets an owner record a KPI', async () => {
    serve({ model, kpis: [], versions: { 2: makeVersion(2) } });
    const puts: { name: unknown; body: unknown }[] = [];
    server.use(
      http.put(`${MODEL_API}/kpis/:kpi`, async ({ request, params }) => {
        puts.push({ name: params.kpi, body: await request.json() });
        return HttpResponse.json({ ...kpi, name: params.kpi });
      }),
    );
    await renderModelTab(<ModelOverviewContent />);
    const form = await screen.findByRole('form', { name: 'Record a KPI' });
    await userEvent.type(
      screen.getByRole('textbox', { name: 'KPI' }),
      'cost-per-1k-predictions',
    );
    await userEvent.type(
      screen.getByRole('textbox', { name: 'Value' }),
      '0.42',
    );
    await userEvent.type(screen.getByRole('textbox', { name: 'Unit' }), 'USD');
    await userEvent.click(screen.getByRole('button', { name: 'Record' }));
    expect(
      await screen.findByText('Recorded cost-per-1k-predictions.'),
    ).toBeInTheDocument();
    expect(form).toBeInTheDocument();
    expect(puts).toEqual([
      {
        name: 'cost-per-1k-predictions',
        body: { value: 0.42, unit: 'USD' },
      },
    ]);
  });

  it('lets an owner archive the model', async () => {
    serve({ model, versions: { 2: makeVersion(2) } });
    let archived = 0;
    server.use(
      http.post(`${MODEL_API}/archive`, () => {
        archived += 1;
        return HttpResponse.json({ ...model, archived: true });
      }),
    );
    await renderModelTab(<ModelOverviewContent />);
    await userEvent.click(
      await screen.findByRole('button', { name: 'Archive model' }),
    );
    expect(await screen.findByText('Model archived.')).toBeInTheDocument();
    await waitFor(() => expect(archived).toBe(1));
  });

  it('shows the model, its aliases, links, KPIs and the production model card', async () => {
    serve({
      model,
      kpis: [kpi],
      versions: {
        2: makeVersion(2, {
          modelCard: {
            intendedUse: 'Card payments in the EU',
            license: 'proprietary',
          },
        }),
      },
    });
    await renderModelTab(<ModelOverviewContent />);

    expect(
      await screen.findByText('Model card of version 2 (alias production)'),
    ).toBeInTheDocument();
    expect(screen.getByText('Card payments in the EU')).toBeInTheDocument();
    expect(
      screen.getByText('Scores every card payment for fraud'),
    ).toBeInTheDocument();
    expect(screen.getByRole('link', { name: /data-science/ })).toHaveAttribute(
      'href',
      '/catalog/default/group/data-science',
    );
    expect(
      screen.getByRole('status', {
        name: 'Deployment: v2 in production: failed',
      }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('status', { name: 'Drift: Drifting' }),
    ).toBeInTheDocument();
    expect(screen.getByText('auc 0.93 (v2)')).toBeInTheDocument();
    expect(screen.getByText('v4')).toBeInTheDocument();
    expect(screen.getByText('champion → v3')).toBeInTheDocument();
    expect(screen.getByText('production → v2')).toBeInTheDocument();
    expect(
      screen.getByRole('link', {
        name: 'https://github.com/acme/fraud-detector',
      }),
    ).toHaveAttribute('href', 'https://github.com/acme/fraud-detector');
    expect(screen.getByText('FRAUD')).toBeInTheDocument();
    expect(
      screen.getByRole('link', {
        name: 'https://grafana.acme.example/d/fraud-serving',
      }),
    ).toBeInTheDocument();
    expect(screen.getByText('Serving dashboard')).toBeInTheDocument();
    expect(screen.getByText('#fraud-models')).toBeInTheDocument();
    expect(screen.getByText('fraud-loss-avoided')).toBeInTheDocument();
    expect(screen.getByText('125000 EUR')).toBeInTheDocument();
    expect(screen.getByText('2026-02')).toBeInTheDocument();
  });

  it('falls back to the latest version and says when it has no model card', async () => {
    serve({
      model: { ...model, aliases: {}, links: {} },
      versions: { 4: makeVersion(4) },
    });
    await renderModelTab(<ModelOverviewContent />);

    expect(
      await screen.findByText('Model card of version 4 (latest version)'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Version 4 was registered without a model card.'),
    ).toBeInTheDocument();
    expect(screen.getByText('No aliases set')).toBeInTheDocument();
    expect(screen.getByText(/No KPIs recorded/)).toBeInTheDocument();
    // Without registry links, the entity's own links remain.
    expect(screen.queryByText('Repository')).toBeNull();
    expect(screen.getByText('Serving dashboard')).toBeInTheDocument();
  });

  it('explains a model without versions', async () => {
    serve({ model: { ...model, aliases: {}, latestVersion: undefined } });
    await renderModelTab(<ModelOverviewContent />);

    expect(await screen.findByText('No versions yet')).toBeInTheDocument();
    expect(screen.getByText('No version registered yet')).toBeInTheDocument();
  });

  it('explains a catalog model the registry does not know', async () => {
    server.use(
      http.get(MODEL_API, () => errorResponse(404, 'not found')),
      http.get(`${MODEL_API}/kpis`, () => errorResponse(404, 'not found')),
    );
    await renderModelTab(<ModelOverviewContent />);

    expect(
      await screen.findByText('The registry has no model "fraud-detector"'),
    ).toBeInTheDocument();
  });

  it('shows the error of a failing backend', async () => {
    server.use(
      http.get(MODEL_API, () => errorResponse(503, 'database is down')),
      http.get(`${MODEL_API}/kpis`, () => HttpResponse.json({ items: [] })),
    );
    await renderModelTab(<ModelOverviewContent />);

    expect(await screen.findByText(/database is down/)).toBeInTheDocument();
  });
});
