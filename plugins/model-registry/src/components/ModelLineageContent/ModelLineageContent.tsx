import {
  DependencyGraph,
  DependencyGraphTypes,
  EmptyState,
  Progress,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { useEntity, useEntityRefLink } from '@backstage/plugin-catalog-react';
import { Flex, Select, Text } from '@backstage/ui';
import { LineageNode } from '@mlreg/plugin-model-registry-common';
import { useCallback, useMemo } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { modelRegistryApiRef } from '../../api';
import {
  RegistryErrorPanel,
  TitledCard,
  useModelName,
  useQueryParams,
} from '../shared';
import {
  drawEdge,
  DrawnEdge,
  graphHeight,
  LimitedGraph,
  limitVersions,
  parseVersionLimit,
  parseVersionNode,
  VERSION_LIMITS,
} from './lineageGraph';
import {
  DrawnNode,
  KIND_STYLES,
  kindShapeStyle,
  LineageEdgeLabel,
  LineageNodeView,
} from './LineageNodeView';

/** The order of the legend: the direction the graph flows in. */
const LEGEND_ORDER: LineageNode['kind'][] = [
  'dataset',
  'commit',
  'run',
  'version',
  'model',
  'deployment',
  'component',
];

/**
 * Where each node links to: catalog entities to their page, versions to the
 * Versions tab of their model with the version open.
 */
function useNodeHref(): (node: LineageNode) => string | undefined {
  // The catalog's own link helper works in both frontend systems.
  const entityLink = useEntityRefLink();
  const { entity } = useEntity();
  const modelName = useModelName();
  return useCallback(
    (node: LineageNode) => {
      // The backend only knows registry names; this model's entity may be
      // named differently (mlreg.io/registry-name), so it links to the entity
      // on show rather than to the ref the backend derived.
      if (node.kind === 'model' && node.id === `model:${modelName}`) {
        return entityLink(entity);
      }
      if (node.entityRef) return entityLink(node.entityRef);
      const version = node.kind === 'version' && parseVersionNode(node);
      if (!version) return undefined;
      // Other models are assumed to be catalogued under their registry name,
      // as the backend assumes for the model node.
      const modelEntity =
        version.model === modelName ? entity : `model:default/${version.model}`;
      return `${entityLink(modelEntity)}/versions?version=${version.version}`;
    },
    [entityLink, entity, modelName],
  );
}

/** Edges between the same two nodes become one, as the layout keeps one. */
function mergeEdges(edges: DrawnEdge[]): DrawnEdge[] {
  const byPair = new Map<string, DrawnEdge>();
  for (const edge of edges) {
    const key = `${edge.from}\n${edge.to}`;
    const existing = byPair.get(key);
    if (!existing) byPair.set(key, { ...edge });
    else if (!existing.label.split(', ').includes(edge.label)) {
      existing.label = `${existing.label}, ${edge.label}`;
    }
  }
  return [...byPair.values()];
}

const Legend = () => (
  <Flex gap="3" align="center" style={{ flexWrap: 'wrap' }}>
    {LEGEND_ORDER.map(kind => (
      <Flex key={kind} gap="1" align="center">
        <svg width="14" height="14" aria-hidden="true">
          <rect
            x="1"
            y="1"
            width="12"
            height="12"
            rx="3"
            style={kindShapeStyle(kind)}
          />
        </svg>
        <Text variant="body-small">{KIND_STYLES[kind].title}</Text>
      </Flex>
    ))}
  </Flex>
);

const LineageGraphView = ({ graph }: { graph: LimitedGraph }) => {
  const hrefOf = useNodeHref();
  // Stable arrays, as the graph lays itself out again whenever they change.
  const nodes = useMemo(
    (): DrawnNode[] =>
      graph.nodes.map(node => ({ ...node, href: hrefOf(node) })),
    [graph, hrefOf],
  );
  const edges = useMemo(() => mergeEdges(graph.edges.map(drawEdge)), [graph]);
  return (
    // The viewport of the graph: as wide as the card and no wider, however
    // wide the layout, and of a fixed height. A one-cell grid makes that
    // height definite for the graph inside, so `fit="contain"` scales the
    // whole layout into the box on first render; zooming in and panning
    // happen within it, and whatever is zoomed past the edges is clipped.
    <div
      data-testid="lineage-graph-viewport"
      style={{
        position: 'relative',
        display: 'grid',
        gridTemplateColumns: 'minmax(0, 1fr)',
        gridTemplateRows: 'minmax(0, 1fr)',
        width: '100%',
        minWidth: 0,
        maxWidth: '100%',
        height: graphHeight(graph),
        overflow: 'hidden',
      }}
    >
      <DependencyGraph<DrawnNode, {}>
        nodes={nodes}
        edges={edges}
        renderNode={LineageNodeView}
        renderLabel={LineageEdgeLabel}
        direction={DependencyGraphTypes.Direction.LEFT_RIGHT}
        labelPosition={DependencyGraphTypes.LabelPosition.CENTER}
        nodeMargin={20}
        rankMargin={90}
        paddingX={20}
        paddingY={20}
        showArrowHeads
        fit="contain"
        zoom="enabled"
        aria-label="Lineage graph"
        style={{ display: 'block', maxWidth: '100%', cursor: 'grab' }}
      />
    </div>
  );
};

/**
 * The Lineage tab: what each version was made of (data sets, runs, commits,
 * parent versions) and what uses the model (deployments, catalog
 * components). The newest `?versions=` versions are drawn, so a model with
 * hundreds of them stays readable.
 */
export const ModelLineageContent = () => {
  const modelName = useModelName();
  const api = useApi(modelRegistryApiRef);
  const [searchParams, setParam] = useQueryParams();
  const limit = parseVersionLimit(searchParams.get('versions'));
  const { value, loading, error } = useAsync(
    () => api.getLineage(modelName),
    [api, modelName],
  );
  const graph = useMemo(
    () => value && limitVersions(value, limit),
    [value, limit],
  );

  if (error) return <RegistryErrorPanel error={error} modelName={modelName} />;
  if (loading || !graph) return <Progress />;
  if (graph.totalVersions === 0) {
    return (
      <EmptyState
        missing="data"
        title="No lineage yet"
        description="Lineage appears once a version is registered: the data sets it was trained and evaluated on, the run and commit that produced it, the version it was fine-tuned from, where it is deployed, and the catalog components that depend on the model."
      />
    );
  }

  const setLimit = (next: number) =>
    setParam('versions', next > 0 ? String(next) : 'all', { replace: true });

  return (
    <Flex direction="column" gap="3" style={{ minWidth: 0 }}>
      <Flex align="end" gap="3" style={{ alignSelf: 'start' }}>
        <Select
          label="Versions"
          options={VERSION_LIMITS.map(n => ({
            id: String(n),
            label: n > 0 ? `Newest ${n}` : 'All',
          }))}
          value={String(limit)}
          onChange={key => setLimit(Number(key))}
        />
        <Text color="secondary">
          {graph.shownVersions < graph.totalVersions
            ? `Showing ${graph.shownVersions} of ${graph.totalVersions} versions, deployed ones always included.`
            : `Showing all ${graph.totalVersions} versions.`}
          {value?.truncated &&
            ` The registry sent the newest ${value.truncated.shown} of ${value.truncated.versions} versions.`}
        </Text>
      </Flex>
      <TitledCard title="Lineage graph" action={<Legend />}>
        <Flex direction="column" gap="2" style={{ minWidth: 0 }}>
          <Text variant="body-small" color="secondary">
            Arrows point downstream: from the data and code a version came from,
            to where it runs and who uses the model. Linked nodes open their
            catalog page or version. Scroll over the graph to zoom in, drag to
            pan; the button at its top right shows it full screen.
          </Text>
          <LineageGraphView graph={graph} />
        </Flex>
      </TitledCard>
    </Flex>
  );
};
