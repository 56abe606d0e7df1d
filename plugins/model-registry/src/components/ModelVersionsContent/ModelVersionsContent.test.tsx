import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { coreApis } from '@backstage/frontend-plugin-api';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { VersionComparison } from '@mlreg/plugin-model-registry-common';
import {
  errorResponse,
  makeVersion,
  MODEL_API,
  renderModelTab,
} from '../__testUtils__';
import { ModelVersionsContent } from './ModelVersionsContent';

const v1 = makeVersion(1, {
  metrics: [
    { key: 'auc', value: 0.91 },
    { key: 'f1', value: 0.8 },
  ],
});
const v2 = makeVersion(2, {
  status: 'FAILED',
  failureReason: 'upload died',
  source: { runId: 'run-42' },
});
const v3 = makeVersion(3, {
  aliases: ['champion'],
  description: 'Retrained on March data',
  metrics: [
    { key: 'auc', value: 0.91, step: 1 },
    { key: 'auc', value: 0.94, step: 2 },
  ],
});

const comparison: VersionComparison = {
  versions: [v1, v3],
  parameters: [
    { key: 'max_depth', values: { '1': 6, '3': 8 }, differs: true },
    { key: 'eta', values: { '1': 0.1, '3': 0.1 }, differs: false },
  ],
  metrics: [{ key: 'auc', values: { '1': 0.91, '3': 0.94 }, differs: true }],
  datasets: [],
  artifacts: [
    { key: 'format', values: { '1': 'onnx', '3': 'onnx' }, differs: false },
  ],
};

describe('ModelVersionsContent', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  // The metric trend chart above the table; these tests are about the table.
  beforeEach(() => {
    server.use(
      http.get(`${MODEL_API}/metrics/:key/trend`, () =>
        HttpResponse.json({ items: [] }),
      ),
    );
  });

  function serveVersions() {
    const cursors: (string | null)[] = [];
    server.use(
      http.get(`${MODEL_API}/versions`, ({ request }) => {
        const params = new URL(request.url).searchParams;
        const cursor = params.get('cursor');
        // The chart reads the newest 50 for its metric keys; only the
        // table's pages count here.
        if (params.get('limit') !== '50') cursors.push(cursor);
        return HttpResponse.json(
          cursor === 'page-2'
            ? { items: [v1] }
            : { items: [v3, v2], nextCursor: 'page-2' },
        );
      }),
    );
    return cursors;
  }

  function serveComparison() {
    const requested: (string | null)[] = [];
    server.use(
      http.get(`${MODEL_API}/compare`, ({ request }) => {
        requested.push(new URL(request.url).searchParams.get('versions'));
        return HttpResponse.json(comparison);
      }),
    );
    return requested;
  }

  const row = (name: RegExp) => screen.getByRole('row', { name });

  it('lists versions with their status, aliases, metrics, creator and source, a page at a time', async () => {
    const cursors = serveVersions();
    await renderModelTab(<ModelVersionsContent />);

    expect(await screen.findByText('v3')).toBeInTheDocument();
    expect(
      within(row(/v3/)).getByText('Retrained on March data'),
    ).toBeInTheDocument();
    expect(within(row(/v3/)).getByText('champion')).toBeInTheDocument();
    expect(within(row(/v3/)).getByText('0.94')).toBeInTheDocument();
    expect(within(row(/v3/)).getByText('commit c0ffee3')).toBeInTheDocument();
    expect(within(row(/v2/)).getByText('FAILED')).toBeInTheDocument();
    expect(within(row(/v2/)).getByText('run run-42')).toBeInTheDocument();
    expect(within(row(/v2/)).getAllByText('user:default/dana')).toHaveLength(1);
    expect(
      screen.getByRole('columnheader', { name: 'auc' }),
    ).toBeInTheDocument();

    await userEvent.click(
      screen.getByRole('button', { name: 'Next table page' }),
    );
    expect(await screen.findByText('v1')).toBeInTheDocument();
    expect(screen.queryByText('v3')).not.toBeInTheDocument();
    expect(cursors).toEqual([null, 'page-2']);
  });

  it('compares the selected versions and puts them in the URL', async () => {
    serveVersions();
    const requested = serveComparison();
    const { apis } = await renderModelTab(<ModelVersionsContent />);

    await screen.findByText('v3');
    const compare = screen.getByRole('button', { name: 'Compare' });
    expect(compare).toBeDisabled();

    await userEvent.click(within(row(/v3/)).getByRole('checkbox'));
    expect(compare).toBeDisabled();
    // The selection survives paging.
    await userEvent.click(
      screen.getByRole('button', { name: 'Next table page' }),
    );
    await userEvent.click(
      within(await screen.findByRole('row', { name: /v1/ })).getByRole(
        'checkbox',
      ),
    );
    expect(screen.getByText('Selected: v1, v3')).toBeInTheDocument();
    await userEvent.click(compare);

    expect(await screen.findByText('max_depth')).toBeInTheDocument();
    expect(requested).toEqual(['1,3']);
    expect(apis.get(coreApis.appHistory)?.getSnapshot().location.search).toBe(
      '?compare=1%2C3',
    );
    expect(row(/max_depth/)).toHaveAttribute('data-differs', 'true');
    expect(within(row(/max_depth/)).getByText('differs')).toBeInTheDocument();
    expect(row(/eta/)).not.toHaveAttribute('data-differs');
    expect(within(row(/max_depth/)).getByText('6')).toBeInTheDocument();
    expect(within(row(/max_depth/)).getByText('8')).toBeInTheDocument();
    expect(
      screen.getByText('None of these versions records any.'),
    ).toBeInTheDocument();

    await userEvent.click(
      screen.getByRole('button', { name: 'Back to all versions' }),
    );
    expect(await screen.findByText('v3')).toBeInTheDocument();
  });

  it('charts a metric above the table and keeps it while comparing', async () => {
    serveVersions();
    serveComparison();
    server.use(
      http.get(`${MODEL_API}/metrics/:key/trend`, ({ params }) =>
        HttpResponse.json({
          items:
            params.key === 'auc'
              ? [
                  { version: 1, value: 0.91 },
                  { version: 3, value: 0.94 },
                ]
              : [],
        }),
      ),
    );
    const { apis } = await renderModelTab(<ModelVersionsContent />, {
      initialRouteEntries: ['/?metric=auc'],
    });
    const search = () =>
      apis.get(coreApis.appHistory)?.getSnapshot().location.search;

    expect(
      await screen.findByText('auc: 0.91 at v1 → 0.94 at v3'),
    ).toBeInTheDocument();
    await userEvent.click(
      within(await screen.findByRole('row', { name: /v3/ })).getByRole(
        'checkbox',
      ),
    );
    await userEvent.click(
      screen.getByRole('button', { name: 'Next table page' }),
    );
    await userEvent.click(
      within(await screen.findByRole('row', { name: /v1/ })).getByRole(
        'checkbox',
      ),
    );
    await userEvent.click(screen.getByRole('button', { name: 'Compare' }));

    expect(await screen.findByText('max_depth')).toBeInTheDocument();
    expect(search()).toBe('?metric=auc&compare=1%2C3');

    await userEvent.click(
      screen.getByRole('button', { name: 'Back to all versions' }),
    );
    expect(
      await screen.findByText('auc: 0.91 at v1 → 0.94 at v3'),
    ).toBeInTheDocument();
    expect(search()).toBe('?metric=auc');
  });

  it('opens a shared comparison straight from the URL', async () => {
    const requested = serveComparison();
    await renderModelTab(<ModelVersionsContent />, {
      initialRouteEntries: ['/?compare=3,1'],
    });

    expect(await screen.findByText('max_depth')).toBeInTheDocument();
    expect(requested).toEqual(['1,3']);
  });

  it('says how to register a version when there is none', async () => {
    server.use(
      http.get(`${MODEL_API}/versions`, () => HttpResponse.json({ items: [] })),
    );
    await renderModelTab(<ModelVersionsContent />);

    expect(
      await screen.findByText('No versions registered yet'),
    ).toBeInTheDocument();
  });

  it('shows the error of a failing backend', async () => {
    server.use(
      http.get(`${MODEL_API}/versions`, () =>
        errorResponse(503, 'database is down'),
      ),
    );
    await renderModelTab(<ModelVersionsContent />);

    expect(await screen.findByText(/database is down/)).toBeInTheDocument();
  });

  it('shows the error of a failing comparison', async () => {
    server.use(
      http.get(`${MODEL_API}/compare`, () =>
        errorResponse(400, 'version 9 does not exist'),
      ),
    );
    await renderModelTab(<ModelVersionsContent />, {
      initialRouteEntries: ['/?compare=1,9'],
    });

    expect(
      await screen.findByText(/Request failed with 400/),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Back to all versions' }),
    ).toBeInTheDocument();
  });
});
