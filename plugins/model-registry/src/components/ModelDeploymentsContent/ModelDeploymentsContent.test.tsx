import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { Deployment } from '@mlreg/plugin-model-registry-common';
import { errorResponse, MODEL_API, renderModelTab } from '../__testUtils__';
import { MAX_PAGES, ModelDeploymentsContent } from './ModelDeploymentsContent';

function deployment(
  id: string,
  environment: string,
  version: number,
  day: number,
  overrides: Partial<Deployment> = {},
): Deployment {
  const at = `2026-03-0${day}T10:00:00.000Z`;
  return {
    id,
    model: 'fraud-detector',
    version,
    environment,
    target: {
      cluster: `${environment}-eu`,
      namespace: 'fraud',
      kind: 'kserve',
    },
    status: 'succeeded',
    history: [
      { status: 'pending', at },
      {
        status: 'succeeded',
        at: `2026-03-0${day}T10:05:00.000Z`,
        message: `v${version} ready`,
      },
    ],
    createdAt: at,
    createdBy: 'user:default/dana',
    updatedAt: `2026-03-0${day}T10:05:00.000Z`,
    ...overrides,
  };
}

const prodRollout = deployment('d5', 'production', 4, 6, {
  status: 'progressing',
  replacedVersion: 3,
  createdBy: 'user:default/ci-bot',
  history: [
    { status: 'pending', at: '2026-03-06T10:00:00.000Z' },
    {
      status: 'progressing',
      at: '2026-03-06T10:02:00.000Z',
      message: '2 of 4 replicas updated',
    },
  ],
});
const stagingFailed = deployment('d4', 'staging', 4, 5, {
  status: 'failed',
  replacedVersion: 3,
  history: [
    { status: 'pending', at: '2026-03-05T10:00:00.000Z' },
    {
      status: 'failed',
      at: '2026-03-05T10:03:00.000Z',
      message: 'readiness probe failed',
    },
  ],
});
const prodServing = deployment('d3', 'production', 3, 4, {
  replacedVersion: 2,
});
const stagingServing = deployment('d2', 'staging', 3, 3);
const prodOld = deployment('d1', 'production', 2, 2);

describe('ModelDeploymentsContent', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  const card = (environment: string) =>
    screen
      .getByRole('heading', { name: environment })
      .closest('.bui-Card') as HTMLElement;
  /** The deployments of an environment, then the selected one's status changes. */
  const tables = (environment: string) =>
    within(card(environment))
      .getAllByRole('grid')
      .map(grid => within(grid));

  it('shows per environment the serving version, the newest rollout and the history, reading every page', async () => {
    const cursors: (string | null)[] = [];
    server.use(
      http.get(`${MODEL_API}/deployments`, ({ request }) => {
        const cursor = new URL(request.url).searchParams.get('cursor');
        cursors.push(cursor);
        return HttpResponse.json(
          cursor === 'older'
            ? { items: [stagingServing, prodOld] }
            : {
                items: [prodRollout, stagingFailed, prodServing],
                nextCursor: 'older',
              },
        );
      }),
    );
    await renderModelTab(<ModelDeploymentsContent />);

    const production = await screen.findByRole('heading', {
      name: 'production',
    });
    expect(cursors).toEqual([null, 'older']);
    const prod = within(card('production'));
    const [prodHistory] = tables('production');
    // Serves the newest succeeded version while v4 still rolls out.
    expect(prod.getByText('v3 since 2026-03-04 10:05 UTC')).toBeInTheDocument();
    expect(prod.getByText('v4 progressing')).toBeInTheDocument();
    expect(
      prod.getByText('2 of 4 replicas updated (2026-03-06 10:02 UTC)'),
    ).toBeInTheDocument();

    const rollout = prodHistory.getByRole('row', {
      name: /2026-03-06 10:00 UTC/,
    });
    expect(within(rollout).getByText('v4')).toBeInTheDocument();
    expect(within(rollout).getByText('v3')).toBeInTheDocument();
    expect(within(rollout).getByText('progressing')).toBeInTheDocument();
    expect(
      within(rollout).getByText('user:default/ci-bot'),
    ).toBeInTheDocument();
    expect(
      within(rollout).getByText('production-eu / fraud'),
    ).toBeInTheDocument();
    expect(within(rollout).getByText('kserve')).toBeInTheDocument();
    const oldest = prodHistory.getByRole('row', {
      name: /2026-03-02 10:00 UTC/,
    });
    expect(within(oldest).getByText('—')).toBeInTheDocument();
    // Three deployments and the header row.
    expect(prodHistory.getAllByRole('row')).toHaveLength(4);

    const staging = within(card('staging'));
    expect(
      staging.getByText('v3 since 2026-03-03 10:05 UTC'),
    ).toBeInTheDocument();
    expect(staging.getByText('v4 failed')).toBeInTheDocument();
    expect(
      staging.getByText('readiness probe failed (2026-03-05 10:03 UTC)'),
    ).toBeInTheDocument();
    // The most recently deployed environment comes first.
    expect(
      production.compareDocumentPosition(
        screen.getByRole('heading', { name: 'staging' }),
      ) & Node.DOCUMENT_POSITION_FOLLOWING,
    ).toBeTruthy();
    expect(
      screen.queryByRole('button', { name: /deploy|roll ?back/i }),
    ).not.toBeInTheDocument();
  });

  it('shows the status history of the selected deployment', async () => {
    server.use(
      http.get(`${MODEL_API}/deployments`, () =>
        HttpResponse.json({ items: [prodRollout, prodServing] }),
      ),
    );
    await renderModelTab(<ModelDeploymentsContent />);

    expect(
      await screen.findByText(
        'Status history of v4, deployed 2026-03-06 10:00 UTC',
      ),
    ).toBeInTheDocument();
    const change = tables('production')[1].getByRole('row', {
      name: '2026-03-06 10:02 UTC',
    });
    expect(within(change).getByText('progressing')).toBeInTheDocument();
    expect(
      within(change).getByText('2 of 4 replicas updated'),
    ).toBeInTheDocument();

    const older = tables('production')[0].getByRole('row', {
      name: /2026-03-04 10:00 UTC/,
    });
    await userEvent.click(older);

    expect(older).toHaveAttribute('aria-selected', 'true');
    expect(
      await screen.findByText(
        'Status history of v3, deployed 2026-03-04 10:00 UTC',
      ),
    ).toBeInTheDocument();
    const changes = tables('production')[1];
    const pending = changes.getByRole('row', { name: '2026-03-04 10:00 UTC' });
    expect(within(pending).getByText('pending')).toBeInTheDocument();
    const ready = changes.getByRole('row', { name: '2026-03-04 10:05 UTC' });
    expect(within(ready).getByText('v3 ready')).toBeInTheDocument();
  });

  it('says when no deployment of an environment has succeeded', async () => {
    server.use(
      http.get(`${MODEL_API}/deployments`, () =>
        HttpResponse.json({ items: [stagingFailed] }),
      ),
    );
    await renderModelTab(<ModelDeploymentsContent />);

    expect(
      await screen.findByText('No deployment has succeeded here.'),
    ).toBeInTheDocument();
    expect(screen.getByText('v4 failed')).toBeInTheDocument();
  });

  it('reads a bounded number of pages and says so', async () => {
    let requests = 0;
    server.use(
      http.get(`${MODEL_API}/deployments`, () => {
        requests += 1;
        return HttpResponse.json({
          items: [
            deployment(`f${requests}`, 'staging', 4, 5, {
              status: 'failed',
            }),
          ],
          nextCursor: `page-${requests + 1}`,
        });
      }),
    );
    await renderModelTab(<ModelDeploymentsContent />);

    expect(
      await screen.findByText('Showing the newest 10 deployments.'),
    ).toBeInTheDocument();
    expect(requests).toBe(MAX_PAGES);
    // An older deployment may have succeeded: the tab does not claim otherwise.
    expect(
      screen.getByText('No deployment shown has succeeded here.'),
    ).toBeInTheDocument();
  });

  it('explains where deployments will come from, without showing any', async () => {
    server.use(
      http.get(`${MODEL_API}/deployments`, () =>
        HttpResponse.json({ items: [] }),
      ),
    );
    await renderModelTab(<ModelDeploymentsContent />);

    expect(await screen.findByText('No deployments yet')).toBeInTheDocument();
    expect(
      screen.getByText(
        /the registry's deployer records deployments here once a version is deployed through it to an environment/i,
      ),
    ).toBeInTheDocument();
    expect(screen.queryByRole('grid')).not.toBeInTheDocument();
  });

  it('shows the error of a failing backend', async () => {
    server.use(
      http.get(`${MODEL_API}/deployments`, () =>
        errorResponse(503, 'database is down'),
      ),
    );
    await renderModelTab(<ModelDeploymentsContent />);

    expect(await screen.findByText(/database is down/)).toBeInTheDocument();
  });
});
