import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import {
  errorResponse,
  makeVersion,
  MODEL_API,
  renderModelTab,
} from '../__testUtils__';
import { VersionsTable } from './VersionsTable';

const v3 = makeVersion(3, {
  aliases: ['champion'],
  description: 'Retrained on March data',
  tags: ['march'],
  parameters: { max_depth: 8, eta: 0.1 },
  metrics: [{ key: 'auc', value: 0.94, dataset: 'holdout', step: 2 }],
  datasets: [
    { role: 'training', entityRef: 'resource:default/card-transactions' },
    {
      role: 'evaluation',
      uri: 's3://data/holdout.parquet',
      digest: 'sha256:ab',
    },
  ],
  artifact: {
    location: 'registry',
    sha256: 'f00d',
    size: 3 * 1024 * 1024,
    format: 'onnx',
  },
  modelCard: { intendedUse: 'Scoring card payments' },
});

describe('VersionDetailsDialog', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  function serve() {
    const calls: { method: string; path: string; body?: unknown }[] = [];
    server.use(
      http.get(`${MODEL_API}/versions`, () =>
        HttpResponse.json({ items: [v3] }),
      ),
      http.get(`${MODEL_API}/versions/3`, () => HttpResponse.json(v3)),
      http.put(`${MODEL_API}/aliases/:alias`, async ({ request, params }) => {
        const body = await request.json();
        calls.push({ method: 'PUT', path: `aliases/${params.alias}`, body });
        return HttpResponse.json({
          alias: params.alias,
          version: 3,
          updatedAt: '2026-03-04T00:00:00.000Z',
          updatedBy: 'user:default/dana',
        });
      }),
      http.patch(`${MODEL_API}/versions/3`, async ({ request }) => {
        const body = await request.json();
        calls.push({ method: 'PATCH', path: 'versions/3', body });
        return HttpResponse.json({ ...v3, ...(body as object) });
      }),
    );
    return calls;
  }

  const render = (options: { denied?: string[] } = {}) =>
    renderModelTab(
      <VersionsTable
        modelName="fraud-detector"
        initialSelection={[]}
        onCompare={() => {}}
      />,
      { initialRouteEntries: ['/?version=3'], ...options },
    );

  it('shows everything about the version named in the URL', async () => {
    serve();
    await render();
    const dialog = await screen.findByRole('dialog');
    expect(await within(dialog).findByText('max_depth')).toBeInTheDocument();
    expect(
      within(dialog).getByText('auc on holdout step 2'),
    ).toBeInTheDocument();
    expect(within(dialog).getByText('0.94')).toBeInTheDocument();
    expect(
      within(dialog).getByText(/s3:\/\/data\/holdout.parquet/),
    ).toBeInTheDocument();
    expect(within(dialog).getByText('3.0 MiB')).toBeInTheDocument();
    expect(
      within(dialog).getByText('Scoring card payments'),
    ).toBeInTheDocument();
    expect(
      within(dialog).getByRole('button', { name: 'Download artifact' }),
    ).toBeInTheDocument();
  });

  it('opens from the Details button of a row', async () => {
    serve();
    await renderModelTab(
      <VersionsTable
        modelName="fraud-detector"
        initialSelection={[]}
        onCompare={() => {}}
      />,
    );
    await userEvent.click(
      await screen.findByRole('button', { name: 'Details of v3' }),
    );
    expect(await screen.findByRole('dialog')).toHaveTextContent(
      'Retrained on March data',
    );
  });

  it('moves an alias to the version for a permitted user', async () => {
    const calls = serve();
    await render();
    const dialog = await screen.findByRole('dialog');
    await userEvent.type(
      await within(dialog).findByRole('textbox', { name: 'Alias' }),
      'production',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Set alias' }),
    );
    expect(
      await within(dialog).findByText('production now points to v3.'),
    ).toBeInTheDocument();
    expect(calls).toEqual([
      { method: 'PUT', path: 'aliases/production', body: { version: 3 } },
    ]);
  });

  it('explains an alias name the registry would refuse, without asking it', async () => {
    const calls = serve();
    await render();
    const dialog = await screen.findByRole('dialog');
    await userEvent.type(
      await within(dialog).findByRole('textbox', { name: 'Alias' }),
      'latest',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Set alias' }),
    );
    expect(
      await within(dialog).findByText('alias "latest" is reserved'),
    ).toBeInTheDocument();
    expect(calls).toEqual([]);
  });

  it('shows the refusal of the backend', async () => {
    serve();
    server.use(
      http.put(`${MODEL_API}/aliases/:alias`, () =>
        errorResponse(409, 'version 3 is not READY'),
      ),
    );
    await render();
    const dialog = await screen.findByRole('dialog');
    await userEvent.type(
      await within(dialog).findByRole('textbox', { name: 'Alias' }),
      'staging',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Set alias' }),
    );
    expect(
      await within(dialog).findByText(/version 3 is not READY/, undefined, {
        timeout: 5000,
      }),
    ).toBeInTheDocument();
  });

  it('edits the description and tags', async () => {
    const calls = serve();
    await render();
    const dialog = await screen.findByRole('dialog');
    const description = await within(dialog).findByRole('textbox', {
      name: 'Description',
    });
    await userEvent.clear(description);
    await userEvent.type(description, 'Champion since March');
    const tags = within(dialog).getByRole('textbox', { name: /Tags/ });
    await userEvent.clear(tags);
    await userEvent.type(tags, 'march, reviewed ,');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() =>
      expect(calls).toEqual([
        {
          method: 'PATCH',
          path: 'versions/3',
          body: {
            description: 'Champion since March',
            tags: ['march', 'reviewed'],
          },
        },
      ]),
    );
  });

  it('asks the backend for the download cookie before downloading', async () => {
    serve();
    const cookieRequests: string[] = [];
    server.use(
      http.get(
        '*/api/model-registry/.backstage/auth/v1/cookie',
        ({ request }) => {
          cookieRequests.push(request.url);
          return HttpResponse.json({ expiresAt: '2026-03-05T00:00:00.000Z' });
        },
      ),
    );
    await render();
    const dialog = await screen.findByRole('dialog');
    await userEvent.click(
      await within(dialog).findByRole('button', { name: 'Download artifact' }),
    );
    await waitFor(() => expect(cookieRequests).toHaveLength(1));
  });

  it('says when the version does not exist', async () => {
    serve();
    server.use(
      http.get(`${MODEL_API}/versions/3`, () =>
        errorResponse(404, 'no version 3'),
      ),
    );
    await render();
    const dialog = await screen.findByRole('dialog');
    expect(
      await within(dialog).findByText(/no version 3|has no model/),
    ).toBeInTheDocument();
  });
});
