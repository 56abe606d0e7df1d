import {
  LineageEdge,
  LineageGraph,
  LineageNode,
} from '@mlreg/plugin-model-registry-common';
import { RegistryStores } from '../database/RegistryDatabase';
import { StoredVersion } from '../database/VersionStore';
import { ModelService } from './ModelService';

/** Finds the catalog components that consume a model. */
export type ConsumerLookup = (
  modelName: string,
) => Promise<Array<{ entityRef: string; title: string }>>;

/**
 * Builds the lineage graph of a model: its versions, the data sets, runs
 * and commits they came from, the versions they derive from or that derive
 * from them (possibly in other models), the newest deployment of each
 * environment, and the catalog components that consume the model.
 */
export class LineageService {
  constructor(
    private readonly db: RegistryStores,
    private readonly models: ModelService,
    private readonly findConsumers: ConsumerLookup,
  ) {}

  async graph(modelName: string): Promise<LineageGraph> {
    const model = await this.models.resolve(modelName);
    const versions = await this.db.read.versions.list({
      modelId: model.id,
      metrics: [],
      order: 'asc',
      limit: 10_000,
    });
    const children = await this.db.read.versions.children(
      versions.map(v => v.id),
    );
    const nodes = new Map<string, LineageNode>();
    const edges: LineageEdge[] = [];
    const addNode = (node: LineageNode) => {
      if (!nodes.has(node.id)) nodes.set(node.id, node);
      return node.id;
    };
    const modelNode = addNode({
      id: `model:${modelName}`,
      kind: 'model',
      label: modelName,
      entityRef: `model:default/${modelName}`,
    });
    const versionNode = (v: { model: string; version: number }) =>
      addNode({
        id: `version:${v.model}/${v.version}`,
        kind: 'version',
        label: `${v.model} v${v.version}`,
      });

    for (const v of versions) {
      const id = versionNode(v);
      edges.push({ from: id, to: modelNode, type: 'versionOf' });
      addSourceEdges(v, id, addNode, edges);
      if (v.parent) {
        edges.push({
          from: id,
          to: versionNode(v.parent),
          type: 'derivedFrom',
        });
      }
    }
    for (const child of children) {
      if (child.parent) {
        edges.push({
          from: versionNode(child),
          to: versionNode(child.parent),
          type: 'derivedFrom',
        });
      }
    }
    // The newest deployment of each environment: what runs there now, or
    // the last attempt to change it.
    for (const d of await this.db.read.deployments.latestPerEnvironment(
      model.id,
    )) {
      const id = addNode({
        id: `deployment:${modelName}/${d.environment}`,
        kind: 'deployment',
        label: `${d.environment}: v${d.version} (${d.status})`,
      });
      edges.push({
        from: versionNode({ model: modelName, version: d.version }),
        to: id,
        type: 'deployedAs',
      });
    }
    for (const consumer of await this.findConsumers(modelName)) {
      const id = addNode({
        id: `catalog:${consumer.entityRef}`,
        kind: 'component',
        label: consumer.title,
        entityRef: consumer.entityRef,
      });
      edges.push({ from: id, to: modelNode, type: 'consumes' });
    }
    return { nodes: [...nodes.values()], edges: dedupe(edges) };
  }
}

function addSourceEdges(
  version: StoredVersion,
  versionId: string,
  addNode: (node: LineageNode) => string,
  edges: LineageEdge[],
) {
  for (const dataset of version.datasets) {
    const ref = dataset.entityRef ?? dataset.uri;
    if (!ref) continue;
    const id = addNode({
      id: `dataset:${ref}${dataset.digest ? `@${dataset.digest}` : ''}`,
      kind: 'dataset',
      label: dataset.entityRef
        ? dataset.entityRef.replace(/^resource:(default\/)?/, '')
        : ref,
      ...(dataset.entityRef ? { entityRef: dataset.entityRef } : {}),
    });
    edges.push({
      from: versionId,
      to: id,
      type: dataset.role === 'evaluation' ? 'evaluatedOn' : 'trainedOn',
    });
  }
  if (version.source.runId) {
    const id = addNode({
      id: `run:${version.source.runId}`,
      kind: 'run',
      label: version.source.runId,
    });
    edges.push({ from: versionId, to: id, type: 'producedBy' });
  }
  if (version.source.commit) {
    const id = addNode({
      id: `commit:${version.source.commit}`,
      kind: 'commit',
      label: version.source.commit.slice(0, 12),
    });
    edges.push({ from: versionId, to: id, type: 'builtFrom' });
  }
}

function dedupe(edges: LineageEdge[]): LineageEdge[] {
  const seen = new Set<string>();
  return edges.filter(e => {
    const key = `${e.from}|${e.type}|${e.to}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
