import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { Model } from '@mlreg/plugin-model-registry-common';
import { modelRegistryApi } from '../../plugin';
import { ModelsPage } from './ModelsPage';

const fraudDetector: Model = {
  name: 'fraud-detector',
  owner: 'group:default/data-science',
  description: 'Scores card transactions',
  task: 'classification',
  framework: 'xgboost',
  tags: ['payments'],
  links: {},
  archived: false,
  aliases: {},
  createdAt: '2026-01-01T00:00:00.000Z',
  createdBy: 'user:default/guest',
  updatedAt: '2026-01-01T00:00:00.000Z',
  updatedBy: 'user:default/guest',
};

describe('ModelsPage', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  // The real API client talks HTTP; msw stands in for the backend.
  const render = () =>
    renderInTestApp(<ModelsPage />, { extensions: [modelRegistryApi] });

  it('lists the models the backend returns', async () => {
    server.use(
      http.get('*/api/model-registry/models', () =>
        HttpResponse.json({ items: [fraudDetector] }),
      ),
    );
    await render();
    expect(await screen.findByText('fraud-detector')).toBeInTheDocument();
    expect(screen.getByText('group:default/data-science')).toBeInTheDocument();
    expect(screen.getByText('xgboost')).toBeInTheDocument();
  });

  it('says how to register a model when there is none', async () => {
    server.use(
      http.get('*/api/model-registry/models', () =>
        HttpResponse.json({ items: [] }),
      ),
    );
    await render();
    expect(
      await screen.findByText('No models registered yet'),
    ).toBeInTheDocument();
  });

  it('shows the error of a failing backend', async () => {
    server.use(
      http.get('*/api/model-registry/models', () =>
        HttpResponse.json(
          { error: { name: 'Error', message: 'database is down' } },
          { status: 503 },
        ),
      ),
    );
    await render();
    expect(await screen.findByText(/database is down/)).toBeInTheDocument();
  });

  it('searches by name', async () => {
    const searches: string[] = [];
    server.use(
      http.get('*/api/model-registry/models', ({ request }) => {
        const search = new URL(request.url).searchParams.get('search') ?? '';
        searches.push(search);
        return HttpResponse.json({
          items: search === 'nothing' ? [] : [fraudDetector],
        });
      }),
    );
    await render();
    await screen.findByText('fraud-detector');
    await userEvent.type(screen.getByRole('searchbox'), 'nothing');
    expect(
      await screen.findByText('No models match "nothing"'),
    ).toBeInTheDocument();
    await waitFor(() => expect(searches).toContain('nothing'));
  });
});
