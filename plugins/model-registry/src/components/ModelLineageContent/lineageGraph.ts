import {
  LineageEdge,
  LineageGraph,
  LineageNode,
} from '@mlreg/plugin-model-registry-common';

/** How many of the model's versions the tab shows unless the URL says. */
export const DEFAULT_VERSION_LIMIT = 20;

/** The choices of the version limit; `0` stands for all versions. */
export const VERSION_LIMITS = [10, 20, 50, 100, 0];

/** The version limit of a `?versions=20` query value; `0` means all. */
export function parseVersionLimit(value: string | null): number {
  if (value === 'all') return 0;
  const limit = Number(value);
  return VERSION_LIMITS.includes(limit) && limit > 0
    ? limit
    : DEFAULT_VERSION_LIMIT;
}

/**
 * How each edge type is drawn. The backend points edges from the subject of
 * the relation ("v3 trainedOn dataset", "v3 deployedAs prod"); the graph instead flows left to
 * right from what a version was made of to what uses it, so some edges are
 * turned round and their label reads in the drawn direction.
 */
const EDGE_DRAWING: Record<
  LineageEdge['type'],
  { reverse: boolean; label: string }
> = {
  trainedOn: { reverse: true, label: 'training data of' },
  evaluatedOn: { reverse: true, label: 'evaluation data of' },
  producedBy: { reverse: true, label: 'produced' },
  builtFrom: { reverse: true, label: 'source of' },
  derivedFrom: { reverse: true, label: 'parent of' },
  versionOf: { reverse: false, label: 'version of' },
  deployedAs: { reverse: false, label: 'deployed as' },
  consumes: { reverse: true, label: 'consumed by' },
};

/** An edge as drawn: left to right, labelled in words. */
export interface DrawnEdge {
  from: string;
  to: string;
  label: string;
}

export function drawEdge(edge: LineageEdge): DrawnEdge {
  const { reverse, label } = EDGE_DRAWING[edge.type];
  return reverse
    ? { from: edge.to, to: edge.from, label }
    : { from: edge.from, to: edge.to, label };
}

/** The model name and number of a version node, from its id. */
export function parseVersionNode(
  node: LineageNode,
): { model: string; version: number } | undefined {
  const match = /^version:(.+)\/(\d+)$/.exec(node.id);
  return match ? { model: match[1], version: Number(match[2]) } : undefined;
}

/** A lineage graph cut down to a number of the model's versions. */
export interface LimitedGraph extends LineageGraph {
  /** How many versions of the model the full graph has. */
  totalVersions: number;
  /** How many of them are shown. */
  shownVersions: number;
}

/**
 * Keeps the newest `limit` versions of the model (all when `limit` is 0),
 * plus every deployed version since what runs matters more than its age,
 * and drops what was only connected to the versions left out.
 */
export function limitVersions(
  graph: LineageGraph,
  limit: number,
): LimitedGraph {
  const modelIds = new Set(
    graph.nodes.filter(n => n.kind === 'model').map(n => n.id),
  );
  const ownVersions = new Map<string, number>();
  for (const edge of graph.edges) {
    if (edge.type === 'versionOf' && modelIds.has(edge.to)) {
      const node = graph.nodes.find(n => n.id === edge.from);
      const parsed = node && parseVersionNode(node);
      if (parsed) ownVersions.set(edge.from, parsed.version);
    }
  }
  const deployed = new Set(
    graph.edges.filter(e => e.type === 'deployedAs').map(e => e.from),
  );
  const newest = [...ownVersions.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([id]) => id);
  const kept = limit > 0 ? newest.slice(0, limit) : newest;
  const hidden = new Set(
    newest.filter(id => !kept.includes(id) && !deployed.has(id)),
  );

  const edges = graph.edges.filter(
    e => !hidden.has(e.from) && !hidden.has(e.to),
  );
  const connected = new Set(edges.flatMap(e => [e.from, e.to]));
  const nodes = graph.nodes.filter(
    n => modelIds.has(n.id) || (!hidden.has(n.id) && connected.has(n.id)),
  );
  return {
    nodes,
    edges,
    totalVersions: ownVersions.size,
    shownVersions: ownVersions.size - hidden.size,
  };
}

/** The vertical room of one node of the layout: its height and margin. */
const ROW_HEIGHT = 64;
const MIN_GRAPH_HEIGHT = 240;
const MAX_GRAPH_HEIGHT = 600;

/**
 * How tall the graph's box is: about the height of its tallest column
 * (what the versions came from, the versions, or what uses them), within
 * bounds. The graph is zoomed to fit the box, so a box much taller than a
 * small graph would only blow its nodes up.
 */
export function graphHeight(graph: LineageGraph): number {
  const count = (kinds: LineageNode['kind'][]) =>
    graph.nodes.filter(node => kinds.includes(node.kind)).length;
  const rows = Math.max(
    count(['dataset', 'run', 'commit']),
    count(['version']),
    count(['deployment', 'component']),
  );
  return Math.min(
    MAX_GRAPH_HEIGHT,
    Math.max(MIN_GRAPH_HEIGHT, rows * ROW_HEIGHT + 40),
  );
}
