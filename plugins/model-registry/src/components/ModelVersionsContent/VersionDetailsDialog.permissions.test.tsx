import { screen, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import {
  aliasSetPermission,
  versionCreatePermission,
} from '@mlreg/plugin-model-registry-common';
import { makeVersion, MODEL_API, renderModelTab } from '../__testUtils__';
import { VersionsTable } from './VersionsTable';

// A file of its own: permission decisions are cached per module, so a
// denial must not share a file with tests that are granted the same.
describe('VersionDetailsDialog for a reader', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('hides the actions the user may not take, and keeps the download', async () => {
    const v3 = makeVersion(3, {
      parameters: { max_depth: 8 },
      artifact: { location: 'registry', sha256: 'f00d', size: 10 },
    });
    server.use(
      http.get(`${MODEL_API}/versions`, () =>
        HttpResponse.json({ items: [v3] }),
      ),
      http.get(`${MODEL_API}/versions/3`, () => HttpResponse.json(v3)),
    );
    await renderModelTab(
      <VersionsTable
        modelName="fraud-detector"
        initialSelection={[]}
        onCompare={() => {}}
      />,
      {
        initialRouteEntries: ['/?version=3'],
        denied: [aliasSetPermission.name, versionCreatePermission.name],
      },
    );
    const dialog = await screen.findByRole('dialog');
    await within(dialog).findByText('max_depth');
    expect(
      within(dialog).queryByRole('button', { name: 'Set alias' }),
    ).toBeNull();
    expect(within(dialog).queryByRole('button', { name: 'Save' })).toBeNull();
    expect(
      within(dialog).getByRole('button', { name: 'Download artifact' }),
    ).toBeInTheDocument();
  });
});
