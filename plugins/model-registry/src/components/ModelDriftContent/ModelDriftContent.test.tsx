import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { coreApis } from '@backstage/frontend-plugin-api';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import {
  DriftReport,
  FeatureDrift,
  ReferenceProfile,
} from '@mlreg/plugin-model-registry-common';
import { errorResponse, MODEL_API, renderModelTab } from '../__testUtils__';
import { ModelDriftContent } from './ModelDriftContent';

const EDGES = [0, 10, 100, 1000];

function feature(
  name: string,
  score: number,
  overrides: Partial<FeatureDrift> = {},
): FeatureDrift {
  return {
    feature: name,
    method: 'psi',
    score,
    threshold: 0.2,
    drifted: score >= 0.2,
    ...overrides,
  };
}

/** Quiet features, so the chart has more than it draws. */
const quiet = ['f1', 'f2', 'f3', 'f4', 'f5'].map((name, i) =>
  feature(name, 0.01 * (i + 1)),
);

const newest: DriftReport = {
  id: 'r3',
  model: 'fraud-detector',
  version: 3,
  windowStart: '2026-03-04T00:00:00.000Z',
  windowEnd: '2026-03-05T00:00:00.000Z',
  verdict: 'drift',
  driftedShare: 0.25,
  retrainingSuggested: true,
  features: [
    feature('amount', 0.42, {
      current: { binEdges: EDGES, counts: [10, 30, 60] },
    }),
    feature('merchant_category', 0.09, {
      method: 'ks',
      threshold: 0.05,
      drifted: true,
    }),
    feature('hour', 0.05),
    ...quiet,
  ],
  createdAt: '2026-03-05T00:10:00.000Z',
};
const middle: DriftReport = {
  ...newest,
  id: 'r2',
  windowStart: '2026-03-03T00:00:00.000Z',
  windowEnd: '2026-03-04T00:00:00.000Z',
  driftedShare: 0.125,
  retrainingSuggested: false,
  features: [feature('amount', 0.25), feature('hour', 0.04), ...quiet],
};
const oldest: DriftReport = {
  ...newest,
  id: 'r1',
  version: 2,
  windowStart: '2026-03-02T00:00:00.000Z',
  windowEnd: '2026-03-03T00:00:00.000Z',
  verdict: 'no-drift',
  driftedShare: 0,
  retrainingSuggested: false,
  features: [
    feature('amount', 0.03, {
      current: { binEdges: EDGES, counts: [50, 30, 20] },
    }),
    feature('hour', 0.02),
  ],
};

const profileV3: ReferenceProfile = {
  model: 'fraud-detector',
  version: 3,
  features: [
    {
      feature: 'amount',
      histogram: { binEdges: EDGES, counts: [500, 300, 200] },
      stats: { count: 1000 },
    },
  ],
  createdAt: '2026-03-01T00:00:00.000Z',
};

describe('ModelDriftContent', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  function serve(reports: DriftReport[] = [newest, middle, oldest]) {
    const limits: (string | null)[] = [];
    const profileRequests: string[] = [];
    server.use(
      http.get(`${MODEL_API}/drift/reports`, ({ request }) => {
        limits.push(new URL(request.url).searchParams.get('limit'));
        return HttpResponse.json({ items: reports });
      }),
      http.get(
        `${MODEL_API}/versions/:version/reference-profile`,
        ({ params }) => {
          profileRequests.push(String(params.version));
          return params.version === '3'
            ? HttpResponse.json(profileV3)
            : errorResponse(404, `version ${params.version} has no profile`);
        },
      ),
    );
    return { limits, profileRequests };
  }

  const row = (name: RegExp) => screen.getByRole('row', { name });
  /** The series the drift score chart draws, by its legend. */
  const legend = () =>
    [
      ...screen
        .getByRole('img', { name: /^Drift score per window/ })
        .querySelectorAll('.recharts-legend-item-text'),
    ].map(item => item.textContent);
  const location = (apis: { get: Function }) =>
    apis.get(coreApis.appHistory).getSnapshot().location.search;

  it('shows the verdicts, the retraining suggestion, scores against thresholds and the distribution of the most drifted feature', async () => {
    const { limits, profileRequests } = serve();
    await renderModelTab(<ModelDriftContent />);

    const banner = await screen.findByText('Retraining suggested');
    expect(banner.closest('[data-status]')).toHaveAttribute(
      'data-status',
      'danger',
    );
    expect(
      screen.getByText(
        'The newest window (ending 2026-03-05 00:00 UTC, v3) drifted on 2 of 8 (25%) features: amount, merchant_category.',
      ),
    ).toBeInTheDocument();
    expect(limits).toEqual(['50']);

    // The verdict of each window, newest first and selected.
    const newestRow = row(/^2026-03-05 00:00 UTC/);
    expect(newestRow).toHaveAttribute('aria-selected', 'true');
    expect(within(newestRow).getByText('drift')).toBeInTheDocument();
    expect(
      within(newestRow).getByText('retraining suggested'),
    ).toBeInTheDocument();
    expect(within(newestRow).getByText('2 of 8 (25%)')).toBeInTheDocument();
    // The most drifted feature is selected: its score per window.
    expect(within(newestRow).getByText('0.42 / 0.2')).toBeInTheDocument();
    const oldestRow = row(/^2026-03-03 00:00 UTC/);
    expect(within(oldestRow).getByText('no-drift')).toBeInTheDocument();
    expect(within(oldestRow).getByText('v2')).toBeInTheDocument();
    expect(within(oldestRow).getByText('0 of 2 (0%)')).toBeInTheDocument();

    // The features of the newest window, most drifted first, with thresholds.
    const category = row(/^merchant_category$/);
    expect(within(category).getByText('ks')).toBeInTheDocument();
    expect(within(category).getByText('0.09')).toBeInTheDocument();
    expect(within(category).getByText('0.05')).toBeInTheDocument();
    expect(within(category).getByText('drifted')).toBeInTheDocument();
    expect(within(row(/^hour$/)).getByText('stable')).toBeInTheDocument();

    // The chart draws the five most drifted features and their thresholds.
    expect(legend()).toHaveLength(5);
    expect(legend()).toEqual(
      expect.arrayContaining(['amount', 'merchant_category', 'hour']),
    );
    expect(legend()).not.toContain('f1');
    expect(document.querySelectorAll('.recharts-line-curve')).toHaveLength(10);

    // Reference against the window, as shares of their totals.
    expect(
      screen.getByRole('heading', { name: 'Distribution of amount' }),
    ).toBeInTheDocument();
    expect(await screen.findByText('Reference (v3)')).toBeInTheDocument();
    const lowBin = row(/^\[0, 10\)$/);
    expect(within(lowBin).getByText('50%')).toBeInTheDocument();
    expect(within(lowBin).getByText('10%')).toBeInTheDocument();
    expect(within(row(/^\[100, 1000\)$/)).getByText('60%')).toBeInTheDocument();
    expect(
      document.querySelectorAll('.recharts-bar-rectangle').length,
    ).toBeGreaterThan(0);
    expect(profileRequests).toEqual(['3']);
  });

  it('charts a selected feature, keeps it in the URL and shows its distribution', async () => {
    serve();
    const { apis } = await renderModelTab(<ModelDriftContent />);
    await screen.findByText('Retraining suggested');

    await userEvent.click(row(/^f1$/));

    expect(location(apis)).toBe('?feature=f1');
    expect(
      await screen.findByRole('heading', { name: 'Distribution of f1' }),
    ).toBeInTheDocument();
    expect(legend()).toContain('f1');
    expect(legend()).toHaveLength(6);
    expect(row(/^f1$/)).toHaveAttribute('aria-selected', 'true');
    expect(
      screen.getByRole('columnheader', { name: 'f1 score / threshold' }),
    ).toBeInTheDocument();
    expect(
      within(row(/^2026-03-05 00:00 UTC/)).getByText('0.01 / 0.2'),
    ).toBeInTheDocument();
    // The window has no histogram of f1, and the reference profile none either.
    expect(
      await screen.findByText(
        'The window ending 2026-03-05 00:00 UTC has no histogram of f1.',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText('The reference profile of v3 has no f1.'),
    ).toBeInTheDocument();
    expect(screen.queryByText('Reference (v3)')).not.toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: /Feature/ }));
    await userEvent.click(
      await screen.findByRole('option', { name: 'merchant_category' }),
    );
    expect(location(apis)).toBe('?feature=merchant_category');
    expect(
      await screen.findByRole('heading', {
        name: 'Distribution of merchant_category',
      }),
    ).toBeInTheDocument();
    expect(legend()).not.toContain('f1');
  });

  it('opens a shared feature and window from the URL and says when the version has no reference profile', async () => {
    const { profileRequests } = serve();
    await renderModelTab(<ModelDriftContent />, {
      initialRouteEntries: ['/?feature=hour&window=r1'],
    });

    expect(
      await screen.findByRole('heading', { name: 'Distribution of hour' }),
    ).toBeInTheDocument();
    expect(row(/^2026-03-03 00:00 UTC/)).toHaveAttribute(
      'aria-selected',
      'true',
    );
    expect(
      screen.getByRole('heading', {
        name: 'Features of the window ending 2026-03-03 00:00 UTC',
      }),
    ).toBeInTheDocument();
    expect(
      await screen.findByText(
        'v2 has no reference profile, so there is no training-time distribution to compare with.',
      ),
    ).toBeInTheDocument();
    expect(profileRequests).toEqual(['2']);
  });

  it('compares the window histogram alone when the version has no reference profile', async () => {
    const { profileRequests } = serve();
    const { apis } = await renderModelTab(<ModelDriftContent />);
    await screen.findByText('Retraining suggested');

    await userEvent.click(row(/^2026-03-03 00:00 UTC/));

    expect(location(apis)).toBe('?window=r1');
    expect(
      await screen.findByText(/^v2 has no reference profile/),
    ).toBeInTheDocument();
    const lowBin = row(/^\[0, 10\)$/);
    expect(within(lowBin).getByText('—')).toBeInTheDocument();
    expect(within(lowBin).getByText('50%')).toBeInTheDocument();
    expect(profileRequests).toEqual(['3', '2']);
  });

  it('says when the newest window shows no drift', async () => {
    serve([oldest]);
    await renderModelTab(<ModelDriftContent />);

    const banner = await screen.findByText('No drift in the newest window');
    expect(banner.closest('[data-status]')).toHaveAttribute(
      'data-status',
      'success',
    );
    expect(screen.queryByText('Retraining suggested')).not.toBeInTheDocument();
  });

  it('warns of drift without suggesting retraining when the newest report does not', async () => {
    serve([middle, oldest]);
    await renderModelTab(<ModelDriftContent />);

    const banner = await screen.findByText('The newest window drifted');
    expect(banner.closest('[data-status]')).toHaveAttribute(
      'data-status',
      'warning',
    );
    expect(
      screen.getByText(
        'The newest window (ending 2026-03-04 00:00 UTC, v3) drifted on 1 of 7 (12.5%) features: amount. Retraining is not suggested yet.',
      ),
    ).toBeInTheDocument();
    expect(screen.queryByText('Retraining suggested')).not.toBeInTheDocument();
  });

  it('explains where drift reports will come from, without showing any', async () => {
    serve([]);
    await renderModelTab(<ModelDriftContent />);

    expect(await screen.findByText('No drift reports yet')).toBeInTheDocument();
    expect(
      screen.getByText(
        /drift reports appear once a reference profile and production batches are sent to the drift engine/i,
      ),
    ).toBeInTheDocument();
    expect(screen.queryByRole('grid')).not.toBeInTheDocument();
    expect(document.querySelector('.recharts-wrapper')).toBeNull();
  });

  it('shows the error of a failing backend', async () => {
    server.use(
      http.get(`${MODEL_API}/drift/reports`, () =>
        errorResponse(503, 'database is down'),
      ),
    );
    await renderModelTab(<ModelDriftContent />);

    expect(await screen.findByText(/database is down/)).toBeInTheDocument();
  });

  it('shows the error of a failing reference profile', async () => {
    serve();
    server.use(
      http.get(`${MODEL_API}/versions/:version/reference-profile`, () =>
        errorResponse(500, 'profile store unreachable'),
      ),
    );
    await renderModelTab(<ModelDriftContent />);

    expect(
      (await screen.findAllByText(/profile store unreachable/))[0],
    ).toBeInTheDocument();
    expect(screen.getByText('Retraining suggested')).toBeInTheDocument();
  });
});
