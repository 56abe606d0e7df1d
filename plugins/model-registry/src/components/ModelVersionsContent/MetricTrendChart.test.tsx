import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { coreApis } from '@backstage/frontend-plugin-api';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import {
  MetricTrendPoint,
  ModelVersion,
} from '@mlreg/plugin-model-registry-common';
import {
  errorResponse,
  makeVersion,
  MODEL_API,
  renderModelTab,
} from '../__testUtils__';
import { chartedRows, MetricTrendChart, trendTable } from './MetricTrendChart';

const versions = [
  makeVersion(3, { metrics: [{ key: 'auc', value: 0.94 }] }),
  makeVersion(2),
  makeVersion(1, {
    metrics: [
      { key: 'f1', value: 0.8 },
      { key: 'auc', value: 0.91 },
    ],
  }),
];

const aucTrend: MetricTrendPoint[] = [
  { version: 1, value: 0.91, dataset: 'holdout' },
  { version: 1, value: 0.85, dataset: 'march.2026' },
  { version: 3, value: 0.9, dataset: 'holdout', step: 1 },
  { version: 3, value: 0.94, dataset: 'holdout', step: 2 },
  { version: 3, value: 0.88, dataset: 'march.2026' },
];

describe('MetricTrendChart', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  /** Serves versions and trends; returns the metrics whose trend was asked for. */
  function serve(
    items: ModelVersion[],
    trends: Record<string, MetricTrendPoint[]>,
  ) {
    const requested: string[] = [];
    server.use(
      http.get(`${MODEL_API}/versions`, () => HttpResponse.json({ items })),
      http.get(`${MODEL_API}/metrics/:key/trend`, ({ params }) => {
        requested.push(String(params.key));
        return HttpResponse.json({ items: trends[String(params.key)] ?? [] });
      }),
    );
    return requested;
  }

  const renderChart = (initialRouteEntries?: string[]) =>
    renderModelTab(<MetricTrendChart modelName="fraud-detector" />, {
      initialRouteEntries,
    });

  it('charts the first metric across versions, one line per data set', async () => {
    const requested = serve(versions, { auc: aucTrend });
    await renderChart();

    // The final step of v3 on holdout counts, not the first.
    expect(
      await screen.findByText('holdout: 0.91 at v1 → 0.94 at v3'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('march.2026: 0.85 at v1 → 0.88 at v3'),
    ).toBeInTheDocument();
    expect(requested).toEqual(['auc']);

    const chart = screen.getByRole('img', { name: 'auc by version' });
    expect(chart.querySelectorAll('.recharts-line')).toHaveLength(2);
    // The legend names the data sets; the axis, the versions.
    expect(chart).toHaveTextContent('holdout');
    expect(chart).toHaveTextContent('march.2026');
    expect(chart).toHaveTextContent('v1');
    expect(chart).toHaveTextContent('v3');
    // Versions without the metric (v2) are not points on the axis.
    expect(chart).not.toHaveTextContent('v2');
  });

  it('charts the chosen metric and keeps it in the URL beside the other parameters', async () => {
    const requested = serve(versions, {
      auc: aucTrend,
      f1: [{ version: 1, value: 0.8 }],
    });
    const { apis } = await renderChart(['/?compare=3']);
    await screen.findByText('holdout: 0.91 at v1 → 0.94 at v3');

    await userEvent.click(screen.getByRole('button', { name: /Metric/ }));
    await userEvent.click(await screen.findByRole('option', { name: 'f1' }));

    expect(await screen.findByText('f1: 0.8 at v1')).toBeInTheDocument();
    expect(requested).toEqual(['auc', 'f1']);
    expect(apis.get(coreApis.appHistory)?.getSnapshot().location.search).toBe(
      '?compare=3&metric=f1',
    );
  });

  it('opens the metric of a shared link, even one the newest versions lack', async () => {
    const requested = serve(versions, {
      loss: [
        { version: 1, value: 0.3 },
        { version: 2, value: 0.25 },
      ],
    });
    await renderChart(['/?metric=loss']);

    expect(
      await screen.findByText('loss: 0.3 at v1 → 0.25 at v2'),
    ).toBeInTheDocument();
    expect(requested).toEqual(['loss']);
    expect(screen.getByRole('button', { name: /Metric/ })).toHaveTextContent(
      'loss',
    );
  });

  it('says when the registry sent only the newest versions', async () => {
    server.use(
      http.get(`${MODEL_API}/versions`, () =>
        HttpResponse.json({ items: versions }),
      ),
      http.get(`${MODEL_API}/metrics/:key/trend`, () =>
        HttpResponse.json({
          items: [{ version: 3, value: 0.94 }],
          truncated: { limit: 1, versions: 2, shown: 1 },
        }),
      ),
    );
    await renderChart();

    expect(
      await screen.findByText(/The newest 1 of 2 versions that record auc/),
    ).toBeInTheDocument();
    expect(screen.getByText('auc: 0.94 at v3')).toBeInTheDocument();
  });

  it('says so when no version records metrics', async () => {
    const requested = serve([makeVersion(1), makeVersion(2)], {});
    await renderChart();

    expect(
      await screen.findByText(/No version records metrics yet/),
    ).toBeInTheDocument();
    expect(requested).toEqual([]);
  });

  it('says so when no ready version records the metric', async () => {
    serve(versions, {});
    await renderChart();

    expect(
      await screen.findByText(/No ready version records auc/),
    ).toBeInTheDocument();
  });

  it('shows the error of a failing trend', async () => {
    server.use(
      http.get(`${MODEL_API}/versions`, () =>
        HttpResponse.json({ items: versions }),
      ),
      http.get(`${MODEL_API}/metrics/:key/trend`, () =>
        errorResponse(500, 'metrics store is down'),
      ),
    );
    await renderChart();

    expect(
      await screen.findByText(/metrics store is down/),
    ).toBeInTheDocument();
  });

  it('leaves a failing version list to the table', async () => {
    let listed = 0;
    server.use(
      http.get(`${MODEL_API}/versions`, () => {
        listed += 1;
        return errorResponse(503, 'database is down');
      }),
    );
    await renderChart();

    await waitFor(() => expect(listed).toBe(1));
    await waitFor(() =>
      expect(screen.queryByRole('progressbar')).not.toBeInTheDocument(),
    );
    expect(screen.queryByText(/database is down/)).not.toBeInTheDocument();
    expect(screen.queryByText('Metric trend')).not.toBeInTheDocument();
  });
});

describe('trendTable', () => {
  it('keeps the final step per version and data set, in version order', () => {
    expect(trendTable('auc', aucTrend)).toEqual({
      series: ['holdout', 'march.2026'],
      rows: [
        { version: 1, values: { holdout: 0.91, 'march.2026': 0.85 } },
        { version: 3, values: { holdout: 0.94, 'march.2026': 0.88 } },
      ],
    });
  });

  it('names values without a data set after the metric', () => {
    expect(
      trendTable('f1', [
        { version: 2, value: 0.7 },
        { version: 1, value: 0.6 },
      ]),
    ).toEqual({
      series: ['f1'],
      rows: [
        { version: 1, values: { f1: 0.6 } },
        { version: 2, values: { f1: 0.7 } },
      ],
    });
  });
});

describe('chartedRows', () => {
  const table = (n: number) => ({
    series: ['auc'],
    rows: Array.from({ length: n }, (_, i) => ({
      version: i + 1,
      // A dip at v777 and a peak at v4321 that an even spread would skip.
      values: { auc: { 776: 0.1, 4320: 0.99 }[i] ?? 0.5 },
    })),
  });

  it('draws every version of a short history', () => {
    expect(chartedRows(table(40), 300)).toHaveLength(40);
  });

  it('thins a long history but keeps its ends and its extremes', () => {
    const rows = chartedRows(table(5000), 300);
    // At most the limit; a kept extreme may coincide with a spread point.
    expect(rows.length).toBeLessThanOrEqual(300);
    expect(rows.length).toBeGreaterThan(290);
    const drawn = rows.map(r => r.version);
    expect(drawn).toEqual([...drawn].sort((a, b) => a - b));
    expect(drawn).toEqual(expect.arrayContaining([1, 777, 4321, 5000]));
  });
});
