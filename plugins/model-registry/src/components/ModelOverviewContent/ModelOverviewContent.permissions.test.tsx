import { screen } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { modelUpdatePermission } from '@mlreg/plugin-model-registry-common';
import { makeModel, MODEL_API, renderModelTab } from '../__testUtils__';
import { ModelOverviewContent } from './ModelOverviewContent';

// A file of its own: permission decisions are cached per module, so a
// denial must not share a file with tests that are granted the same.
describe('ModelOverviewContent for users who may not update the model', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('hides the owner actions', async () => {
    server.use(
      http.get(MODEL_API, () => HttpResponse.json(makeModel())),
      http.get(`${MODEL_API}/kpis`, () => HttpResponse.json({ items: [] })),
    );
    await renderModelTab(<ModelOverviewContent />, {
      denied: [modelUpdatePermission.name],
    });
    expect(
      await screen.findByText(/The model's owners record them here/),
    ).toBeInTheDocument();
    expect(screen.queryByRole('form', { name: 'Record a KPI' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Archive model' })).toBeNull();
  });
});
