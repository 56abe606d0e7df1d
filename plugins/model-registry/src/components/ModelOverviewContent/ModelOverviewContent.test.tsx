import { screen } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { Kpi, Model } from '@mlreg/plugin-model-registry-common';
import {
  errorResponse,
  makeVersion,
  MODEL_API,
  renderModelTab,
} from '../__testUtils__';
import { ModelOverviewContent } from './ModelOverviewContent';

const model: Model = {
  name: 'fraud-detector',
  owner: 'group:default/data-science',
  description: 'Scores every card payment for fraud',
  task: 'classification',
  tags: [],
  links: {
    repoUrl: 'https://github.com/acme/fraud-detector',
    jiraProject: 'FRAUD',
    slackChannel: '#fraud-models',
  },
  archived: false,
  latestVersion: 4,
  aliases: { champion: 3, production: 2 },
  createdAt: '2026-01-01T00:00:00.000Z',
  createdBy: 'user:default/dana',
  updatedAt: '2026-01-01T00:00:00.000Z',
  updatedBy: 'user:default/dana',
};

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
    expect(screen.getByText('group:default/data-science')).toBeInTheDocument();
    expect(screen.getByText('v4')).toBeInTheDocument();
    expect(screen.getByText('champion → v3')).toBeInTheDocument();
    expect(screen.getByText('production → v2')).toBeInTheDocument();
    expect(
      screen.getByRole('link', {
        name: 'https://github.com/acme/fraud-detector',
      }),
    ).toHaveAttribute('href', 'https://github.com/acme/fraud-detector');
    expect(screen.getByText('FRAUD')).toBeInTheDocument();
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
    expect(
      screen.getByText('No repository, Jira or Slack links.'),
    ).toBeInTheDocument();
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
