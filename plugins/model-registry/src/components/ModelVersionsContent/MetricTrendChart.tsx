import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { Card, CardBody, Flex, Select, Text } from '@backstage/ui';
import {
  MetricTrendPoint,
  ModelVersion,
} from '@mlreg/plugin-model-registry-common';
import { useId } from 'react';
import useAsync from 'react-use/esm/useAsync';
import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { modelRegistryApiRef } from '../../api';
import {
  formatValue,
  RegistryErrorPanel,
  TitledCard,
  useQueryParams,
} from '../shared';

/** How many of the newest versions are searched for metric keys. */
const KEY_SEARCH_LIMIT = 50;

const HEIGHT = 240;

// Okabe–Ito: distinguishable with colour-vision deficiencies, in either theme.
const COLORS = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9'];

/** One version's values of the charted metric, by series. */
export interface TrendRow {
  version: number;
  values: Record<string, number>;
}

/** The points of a metric trend as chart rows, one series per data set. */
export interface TrendTable {
  series: string[];
  rows: TrendRow[];
}

/**
 * Turns trend points into one row per version and one series per data set
 * (named after the metric where a value has no data set). Of values logged
 * at several steps, the final one counts, as in the versions table.
 */
export function trendTable(
  metric: string,
  points: MetricTrendPoint[],
): TrendTable {
  const finals = new Map<string, MetricTrendPoint>();
  for (const point of points) {
    const key = `${point.version}\n${point.dataset ?? metric}`;
    const current = finals.get(key);
    if (!current || (point.step ?? -1) >= (current.step ?? -1)) {
      finals.set(key, point);
    }
  }
  const series = new Set<string>();
  const rows = new Map<number, TrendRow>();
  for (const point of finals.values()) {
    const name = point.dataset ?? metric;
    series.add(name);
    const row = rows.get(point.version) ?? {
      version: point.version,
      values: {},
    };
    row.values[name] = point.value;
    rows.set(point.version, row);
  }
  return {
    series: [...series].sort(),
    rows: [...rows.values()].sort((a, b) => a.version - b.version),
  };
}

/** More points than this draw slowly and cannot be told apart anyway. */
export const MAX_CHARTED_VERSIONS = 300;

/**
 * The rows to draw: all of them when few, else an even spread that always
 * keeps the first and last version and each series' best and worst, so
 * neither the trend nor an outlier disappears.
 */
export function chartedRows(table: TrendTable, max = MAX_CHARTED_VERSIONS) {
  const { rows, series } = table;
  if (rows.length <= max) return rows;
  const keep = new Set<number>([0, rows.length - 1]);
  for (const name of series) {
    let low = -1;
    let high = -1;
    rows.forEach((row, i) => {
      const v = row.values[name];
      if (v === undefined) return;
      if (low < 0 || v < rows[low].values[name]) low = i;
      if (high < 0 || v > rows[high].values[name]) high = i;
    });
    if (low >= 0) keep.add(low).add(high);
  }
  const stride = (rows.length - 1) / (max - keep.size - 1);
  for (let x = 0; keep.size < max && x < rows.length; x += stride) {
    keep.add(Math.round(x));
  }
  return [...keep].sort((a, b) => a - b).map(i => rows[i]);
}

function metricKeys(versions: ModelVersion[]): string[] {
  return [...new Set(versions.flatMap(v => v.metrics.map(m => m.key)))].sort();
}

/** Where each series started and where it is now, in words. */
function summary(table: TrendTable): string[] {
  return table.series.map(name => {
    const values = table.rows.filter(row => name in row.values);
    const first = values[0];
    const last = values[values.length - 1];
    const from = `${formatValue(first.values[name])} at v${first.version}`;
    const to = `${formatValue(last.values[name])} at v${last.version}`;
    return `${name}: ${first === last ? to : `${from} → ${to}`}`;
  });
}

const TrendChart = ({
  metric,
  table,
}: {
  metric: string;
  table: TrendTable;
}) => {
  const summaryId = useId();
  const rows = chartedRows(table);
  return (
    <Flex direction="column" gap="2">
      <div
        role="img"
        aria-label={`${metric} by version`}
        aria-describedby={summaryId}
      >
        <ResponsiveContainer
          width="100%"
          height={HEIGHT}
          // Until the container is measured (and in jsdom, which never is).
          initialDimension={{ width: 600, height: HEIGHT }}
        >
          <LineChart
            data={rows}
            margin={{ top: 8, right: 16, bottom: 0, left: 0 }}
          >
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey={(row: TrendRow) => `v${row.version}`} />
            <YAxis
              domain={['auto', 'auto']}
              width={56}
              tickFormatter={formatValue}
            />
            <Tooltip formatter={value => formatValue(value)} />
            {table.series.length > 1 && <Legend />}
            {table.series.map((name, i) => (
              <Line
                key={name}
                name={name}
                // A function, as data set names may hold dots that a string
                // key would read as a path.
                dataKey={(row: TrendRow) => row.values[name]}
                stroke={COLORS[i % COLORS.length]}
                strokeWidth={2}
                connectNulls
                // Thousands of dots cost seconds and hide the line.
                dot={rows.length <= 60}
                isAnimationActive={false}
              />
            ))}
          </LineChart>
        </ResponsiveContainer>
      </div>
      <Flex id={summaryId} direction="column" gap="1">
        {rows.length < table.rows.length && (
          <Text variant="body-small" color="secondary">
            {`Drawn: ${rows.length} of ${table.rows.length} versions, spread evenly, with each data set's best and worst.`}
          </Text>
        )}
        {summary(table).map(line => (
          <Text key={line} variant="body-small" color="secondary">
            {line}
          </Text>
        ))}
      </Flex>
    </Flex>
  );
};

const TrendBody = ({
  modelName,
  metric,
}: {
  modelName: string;
  metric: string;
}) => {
  const api = useApi(modelRegistryApiRef);
  const { value, loading, error } = useAsync(
    () => api.getMetricTrend(modelName, metric),
    [api, modelName, metric],
  );
  if (error) return <RegistryErrorPanel error={error} modelName={modelName} />;
  if (loading || !value) return <Progress />;
  if (value.items.length === 0) {
    return (
      <Text color="secondary">
        No ready version records {metric}; failed and pending versions are left
        out.
      </Text>
    );
  }
  return (
    <>
      {value.truncated && (
        <Text color="secondary">
          The newest {value.truncated.shown} of {value.truncated.versions}{' '}
          versions that record {metric}.
        </Text>
      )}
      <TrendChart metric={metric} table={trendTable(metric, value.items)} />
    </>
  );
};

/**
 * A metric across the versions of the model, one line per data set. The
 * metric is kept in `?metric=`, beside the other parameters of the tab.
 */
export const MetricTrendChart = ({ modelName }: { modelName: string }) => {
  const api = useApi(modelRegistryApiRef);
  const [searchParams, setParam] = useQueryParams();
  const { value, loading, error } = useAsync(
    () => api.listVersions({ model: modelName, limit: KEY_SEARCH_LIMIT }),
    [api, modelName],
  );

  // The versions table shows why versions cannot be listed, or that there
  // are none; saying it twice would only add noise.
  if (error || value?.items.length === 0) return null;
  if (loading || !value) return <Progress />;

  const keys = metricKeys(value.items);
  const requested = searchParams.get('metric');
  // A shared link may name a metric only older versions carry.
  const metric = requested || keys[0];
  if (!metric) {
    return (
      <Card>
        <CardBody>
          <Text color="secondary">
            No version records metrics yet. Metrics sent when registering a
            version are charted here across versions.
          </Text>
        </CardBody>
      </Card>
    );
  }
  const options = (keys.includes(metric) ? keys : [metric, ...keys]).map(
    key => ({ id: key, label: key }),
  );
  const choose = (key: string) => setParam('metric', key, { replace: true });

  return (
    <TitledCard
      title="Metric trend"
      action={
        <Select
          label="Metric"
          options={options}
          value={metric}
          onChange={key => choose(String(key))}
        />
      }
    >
      <TrendBody modelName={modelName} metric={metric} />
    </TitledCard>
  );
};
