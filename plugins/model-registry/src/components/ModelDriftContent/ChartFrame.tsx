import { ReactElement } from 'react';
import { ResponsiveContainer } from 'recharts';

/** The width a chart draws at before (or without, as in tests) being measured. */
const INITIAL_WIDTH = 720;

/**
 * A chart as wide as its container and of a fixed height, labelled for
 * screen readers; the figures it draws are also in a table next to it.
 */
export const ChartFrame = ({
  label,
  height = 320,
  children,
}: {
  label: string;
  height?: number;
  children: ReactElement;
}) => (
  <div role="img" aria-label={label}>
    <ResponsiveContainer
      width="100%"
      height={height}
      initialDimension={{ width: INITIAL_WIDTH, height }}
    >
      {children}
    </ResponsiveContainer>
  </div>
);
