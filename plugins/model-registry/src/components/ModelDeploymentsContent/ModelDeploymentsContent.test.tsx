import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import {
  Deployment,
  ModelEnvironment,
} from '@mlreg/plugin-model-registry-common';
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
  beforeEach(() =>
    server.use(
      http.get(`${MODEL_API}/environments`, () =>
        HttpResponse.json({ items: [] }),
      ),
    ),
  );

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

  it('says how to configure an environment when there is none', async () => {
    server.use(
      http.get(`${MODEL_API}/deployments`, () =>
        HttpResponse.json({ items: [] }),
      ),
    );
    await renderModelTab(<ModelDeploymentsContent />);

    expect(
      await screen.findByText('No environments configured'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        /add one under modelRegistry.environments in app-config.yaml .* install @mlreg\/plugin-model-registry-backend-module-kubernetes/i,
      ),
    ).toBeInTheDocument();
    expect(screen.queryByRole('grid')).not.toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Deploy' }),
    ).not.toBeInTheDocument();
  });

  const stagingEnvironment: ModelEnvironment = {
    name: 'staging',
    alias: 'staging',
    mode: 'kubernetes',
    targetKind: 'kserve',
    cluster: 'staging-eu',
    namespace: 'fraud',
    available: true,
    autoRollback: true,
    bakeTimeSeconds: 300,
    guardrails: ['error-rate'],
    aliasVersion: 4,
    servingVersion: 3,
    sync: {
      inSync: false,
      servedVersion: 2,
      message: 'alias staging names version 4, but staging serves version 2',
      checkedAt: '2026-03-06T10:00:00.000Z',
    },
  };

  it('shows a configured environment, deploys a version and rolls back to an earlier deployment', async () => {
    const posted: Array<{ path: string; body: unknown }> = [];
    server.use(
      http.get(`${MODEL_API}/environments`, () =>
        HttpResponse.json({
          items: [
            stagingEnvironment,
            {
              ...stagingEnvironment,
              name: 'production',
              alias: undefined,
              aliasVersion: undefined,
              sync: undefined,
              available: false,
              guardrails: [],
            },
          ],
        }),
      ),
      http.get(`${MODEL_API}/deployments`, () =>
        HttpResponse.json({ items: [stagingFailed, stagingServing] }),
      ),
      http.post(`${MODEL_API}/deployments`, async ({ request }) => {
        posted.push({ path: 'deploy', body: await request.json() });
        return HttpResponse.json(
          deployment('d9', 'staging', 4, 7, {
            status: 'pending',
            history: [{ status: 'pending', at: '2026-03-07T10:00:00.000Z' }],
          }),
          { status: 202 },
        );
      }),
      http.post(
        `${MODEL_API}/deployments/:id/rollback`,
        async ({ request, params }) => {
          posted.push({
            path: `rollback ${params.id}`,
            body: await request.json(),
          });
          return HttpResponse.json(
            deployment('d10', 'staging', 3, 8, {
              status: 'pending',
              trigger: 'rollback',
              history: [{ status: 'pending', at: '2026-03-08T10:00:00.000Z' }],
            }),
            { status: 202 },
          );
        },
      ),
    );
    await renderModelTab(<ModelDeploymentsContent />);

    const staging = await screen.findByRole('heading', { name: 'staging' });
    const stagingCard = within(staging.closest('.bui-Card') as HTMLElement);
    expect(
      stagingCard.getByText(
        /kserve on staging-eu \/ fraud, follows alias staging \(v4\), guardrails: error-rate, automatic rollback/,
      ),
    ).toBeInTheDocument();
    expect(
      stagingCard.getByText(
        /Out of sync: alias staging names version 4, but staging serves version 2/,
      ),
    ).toBeInTheDocument();
    const production = within(
      screen
        .getByRole('heading', { name: 'production' })
        .closest('.bui-Card') as HTMLElement,
    );
    expect(
      production.getByText(
        /No installed backend module deploys targetKind kserve: add @mlreg\/plugin-model-registry-backend-module-kubernetes/,
      ),
    ).toBeInTheDocument();
    expect(
      production.queryByRole('button', { name: 'Deploy' }),
    ).not.toBeInTheDocument();

    expect(stagingCard.getByRole('textbox', { name: 'Version' })).toHaveValue(
      '4',
    );
    await userEvent.click(stagingCard.getByRole('button', { name: 'Deploy' }));
    expect(
      await stagingCard.findByText('Deploying v4 to staging: pending.'),
    ).toBeInTheDocument();
    expect(posted).toEqual([
      { path: 'deploy', body: { environment: 'staging', version: 4 } },
    ]);

    // the newest deployment cannot be rolled back to; an earlier successful one can
    expect(
      stagingCard.queryByRole('button', { name: /Roll back/ }),
    ).not.toBeInTheDocument();
    await userEvent.click(
      stagingCard.getByRole('row', { name: /2026-03-03 10:00 UTC/ }),
    );
    await userEvent.click(
      await stagingCard.findByRole('button', {
        name: 'Roll back staging to v3',
      }),
    );
    expect(
      await stagingCard.findByText('Rolling staging back to v3.'),
    ).toBeInTheDocument();
    expect(posted[1]).toEqual({
      path: 'rollback d2',
      body: { reason: 'rolled back from the Deployments tab to v3' },
    });
  });

  it('hides deploy and rollback from those without the permissions', async () => {
    server.use(
      http.get(`${MODEL_API}/environments`, () =>
        HttpResponse.json({ items: [stagingEnvironment] }),
      ),
      http.get(`${MODEL_API}/deployments`, () =>
        HttpResponse.json({ items: [stagingFailed, stagingServing] }),
      ),
    );
    await renderModelTab(<ModelDeploymentsContent />, {
      denied: [
        'model-registry.deployment.create',
        'model-registry.deployment.rollback',
      ],
    });
    const stagingCard = within(
      (await screen.findByRole('heading', { name: 'staging' })).closest(
        '.bui-Card',
      ) as HTMLElement,
    );
    await userEvent.click(
      stagingCard.getByRole('row', { name: /2026-03-03 10:00 UTC/ }),
    );
    expect(
      stagingCard.queryByRole('button', { name: 'Deploy' }),
    ).not.toBeInTheDocument();
    expect(
      stagingCard.queryByRole('button', { name: /Roll back/ }),
    ).not.toBeInTheDocument();
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
