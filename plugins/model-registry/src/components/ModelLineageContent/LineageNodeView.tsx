import { DependencyGraphTypes } from '@backstage/core-components';
import { RouterLink } from '@backstage/frontend-plugin-api';
import { LineageNode } from '@mlreg/plugin-model-registry-common';
import { CSSProperties } from 'react';

/** A node as the graph draws it: where it links to, if anywhere. */
export type DrawnNode = LineageNode & { href?: string };

interface KindStyle {
  title: string;
  fill: string;
  stroke: string;
  text?: string;
  dashed?: boolean;
}

/** The look of each kind of node, shared by the graph and its legend. */
export const KIND_STYLES: Record<LineageNode['kind'], KindStyle> = {
  dataset: {
    title: 'Data set',
    fill: 'var(--bui-positive-bg-subdued)',
    stroke: 'var(--bui-positive-border)',
  },
  commit: {
    title: 'Commit',
    fill: 'var(--bui-bg-neutral-2)',
    stroke: 'var(--bui-border-2)',
    dashed: true,
  },
  run: {
    title: 'Run',
    fill: 'var(--bui-bg-neutral-2)',
    stroke: 'var(--bui-border-2)',
  },
  version: {
    title: 'Version',
    fill: 'var(--bui-announcement-bg-subdued)',
    stroke: 'var(--bui-announcement-border)',
  },
  model: {
    title: 'Model',
    fill: 'var(--bui-accent-bg)',
    stroke: 'var(--bui-accent-bg)',
    text: 'var(--bui-accent-fg)',
  },
  deployment: {
    title: 'Deployment',
    fill: 'var(--bui-warning-bg-subdued)',
    stroke: 'var(--bui-warning-border)',
  },
  component: {
    title: 'Component',
    fill: 'var(--bui-bg-neutral-1)',
    stroke: 'var(--bui-accent-bg)',
  },
};

export function kindShapeStyle(kind: LineageNode['kind']): CSSProperties {
  const style = KIND_STYLES[kind];
  return {
    fill: style.fill,
    stroke: style.stroke,
    strokeWidth: 1.5,
    strokeDasharray: style.dashed ? '4 3' : undefined,
  };
}

const MAX_LABEL = 36;
const HEIGHT = 44;
// Nodes get a size from their text length rather than from measuring it,
// so the layout does not wait for (or in tests, lack) SVG text metrics.
const CHAR_WIDTH = 7;

function shorten(label: string): string {
  return label.length > MAX_LABEL ? `${label.slice(0, MAX_LABEL - 1)}…` : label;
}

/** One node of the lineage graph: its kind above its label. */
export const LineageNodeView = ({
  node,
}: DependencyGraphTypes.RenderNodeProps<DrawnNode>) => {
  const style = KIND_STYLES[node.kind];
  const label = shorten(node.label);
  const width = Math.max(120, label.length * CHAR_WIDTH + 24);
  const textColor = style.text ?? 'var(--bui-fg-primary)';
  // A tooltip where the node shows less than there is to know.
  const tooltip =
    node.entityRef ?? (label === node.label ? undefined : node.label);
  const shape = (
    <g>
      {tooltip && <title>{tooltip}</title>}
      <rect
        width={width}
        height={HEIGHT}
        rx={8}
        style={kindShapeStyle(node.kind)}
      />
      <text
        x={12}
        y={16}
        style={{ fill: textColor, fontSize: 10, textTransform: 'uppercase' }}
      >
        {style.title}
      </text>
      <text
        x={12}
        y={34}
        style={{
          fill: textColor,
          fontSize: 13,
          textDecoration: node.href ? 'underline' : undefined,
        }}
      >
        {label}
      </text>
    </g>
  );
  if (!node.href) return shape;
  return (
    <RouterLink href={node.href} aria-label={`${style.title} ${node.label}`}>
      {shape}
    </RouterLink>
  );
};

/** The relation of an edge, in words, on the edge. */
export const LineageEdgeLabel = ({
  edge,
}: DependencyGraphTypes.RenderLabelProps) => (
  <text
    textAnchor="middle"
    style={{ fill: 'var(--bui-fg-secondary)', fontSize: 11 }}
  >
    {edge.label}
  </text>
);
