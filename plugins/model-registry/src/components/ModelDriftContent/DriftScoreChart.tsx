import { DriftReport, FeatureDrift } from '@mlreg/plugin-model-registry-common';
import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { formatTimestamp } from '../shared';
import { ChartFrame } from './ChartFrame';

export const SERIES_COLORS = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
];

interface WindowPoint {
  windowEnd: string;
  features: Map<string, FeatureDrift>;
}

/** `03-04 09:30`: the year and zone of every tick would crowd the axis. */
const shortTime = (iso: string) => formatTimestamp(iso).slice(5, 16);

/**
 * The drift score of a few features over the windows, oldest first, each
 * with its threshold dashed in the same colour; the selected feature is drawn
 * thicker.
 */
export const DriftScoreChart = ({
  reports,
  features,
  selected,
}: {
  reports: DriftReport[];
  features: string[];
  selected?: string;
}) => {
  const points: WindowPoint[] = [...reports].reverse().map(report => ({
    windowEnd: report.windowEnd,
    features: new Map(report.features.map(f => [f.feature, f])),
  }));
  return (
    <ChartFrame
      label={`Drift score per window of ${features.join(
        ', ',
      )}, each with its threshold`}
    >
      <LineChart data={points} margin={{ top: 8, right: 16 }}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis dataKey="windowEnd" tickFormatter={shortTime} />
        <YAxis />
        <Tooltip labelFormatter={label => formatTimestamp(String(label))} />
        <Legend />
        {features.flatMap((feature, i) => {
          const color = SERIES_COLORS[i % SERIES_COLORS.length];
          return [
            <Line
              key={feature}
              name={feature}
              dataKey={(p: WindowPoint) => p.features.get(feature)?.score}
              stroke={color}
              strokeWidth={feature === selected ? 3 : 1.5}
              connectNulls
              isAnimationActive={false}
            />,
            <Line
              key={`${feature} threshold`}
              name={`${feature} threshold`}
              dataKey={(p: WindowPoint) => p.features.get(feature)?.threshold}
              stroke={color}
              strokeDasharray="6 4"
              dot={false}
              legendType="none"
              connectNulls
              isAnimationActive={false}
            />,
          ];
        })}
      </LineChart>
    </ChartFrame>
  );
};
