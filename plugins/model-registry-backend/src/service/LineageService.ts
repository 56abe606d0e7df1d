import { NotFoundError } from '@backstage/errors';
import {
  LineageEdge,
  LineageGraph,
  LineageNode,
  modelRegistrySchemas,
  RecordVersionRunRequest,
  VersionRun,
} from '@mlreg/plugin-model-registry-common';
import { Actor } from './Actor';
import { toCycloneDx } from './cycloneDx';
import { recordChange } from './recordChange';
import { RegistryStores } from '../database/RegistryDatabase';
import { LineageVersion } from '../database/VersionStore';
import { ModelService } from './ModelService';

const { graphLimits } = modelRegistrySchemas;

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

  /**
   * The graph of the newest `versions` versions (default and maximum in
   * `graphLimits.lineageVersions`) and of at most as many versions derived
   * from them; `truncated` says so when the model has more. Only what the
   * graph shows is read: no parameters, annotations or metrics.
   */
  async graph(
    modelName: string,
    options: { versions?: number } = {},
  ): Promise<LineageGraph> {
    const model = await this.models.resolve(modelName);
    const limit = Math.min(
      options.versions ?? graphLimits.lineageVersions.default,
      graphLimits.lineageVersions.max,
    );
    const newest = await this.db.read.versions.lineageOf(model.id, limit + 1);
    const capped = newest.length > limit;
    const versions = newest.slice(0, limit).reverse();
    const children = await this.db.read.versions.lineageChildren(
      versions.map(v => v.id),
      limit,
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
    const runs = await this.db.read.versionRuns.listForVersions(
      versions.map(v => v.id),
    );
    for (const v of versions) {
      addRunEdges(runs.get(v.id) ?? [], versionNode(v), addNode, edges);
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
    const graph: LineageGraph = {
      nodes: [...nodes.values()],
      edges: dedupe(edges),
    };
    if (capped) {
      graph.truncated = {
        limit,
        versions: await this.db.read.versions.countForModel(model.id),
        shown: versions.length,
      };
    }
    return graph;
  }

  /** A version, its model card, metrics, datasets and runs as CycloneDX. */
  async cycloneDx(modelName: string, version: number) {
    const model = await this.models.get(modelName);
    const ref = await this.models.resolve(modelName);
    const stored = await this.db.read.versions.get(ref.id, version);
    if (!stored) {
      throw new NotFoundError(
        `version ${version} of model "${modelName}" not found`,
      );
    }
    const { id, modelId: _m, artifactKey: _k, ...publicVersion } = stored;
    const runs = await this.db.read.versionRuns.listForVersions([id]);
    return toCycloneDx(model, publicVersion, runs.get(id) ?? [], new Date());
  }

  /**
   * Records a run that produced a version, merged with what earlier
   * reports of the same run said; a report that changes nothing (a
   * duplicate) writes nothing.
   */
  async recordRun(
    modelName: string,
    version: number,
    report: RecordVersionRunRequest,
    actor: Actor,
  ): Promise<VersionRun> {
    const model = await this.models.resolve(modelName);
    return this.db.transaction(async stores => {
      const target = await stores.versions.get(model.id, version);
      if (!target) {
        throw new NotFoundError(
          `version ${version} of model "${modelName}" not found`,
        );
      }
      const known = await stores.versionRuns.get(target.id, report.runId);
      const now = new Date();
      const merged = mergeRun(known, report, now);
      if (known && sameRun(known, merged)) return known;
      await stores.versionRuns.put(target.id, merged);
      await recordChange(stores, actor, now, {
        action: 'version.run',
        event: 'version.updated',
        target: `model:${modelName}/versions/${version}/runs/${report.runId}`,
        model,
        version,
        before: known && runPayload(known),
        after: runPayload(merged),
        payload: { model: modelName, version, run: runPayload(merged) },
      });
      return merged;
    });
  }
}

/** States after which a run reports nothing new. */
const FINAL_STATES = new Set(['COMPLETE', 'ABORT', 'FAIL']);

/**
 * A run merged with a new report of it: the state of the later event (at
 * equal times a final state wins, so a late START never undoes COMPLETE),
 * and the inputs of both.
 */
export function mergeRun(
  known: VersionRun | undefined,
  report: RecordVersionRunRequest,
  now: Date,
): VersionRun {
  const reportTime = new Date(report.eventTime).toISOString();
  const newer =
    !known ||
    reportTime > known.eventTime ||
    (reportTime === known.eventTime &&
      FINAL_STATES.has(report.eventType) &&
      !FINAL_STATES.has(known.eventType));
  const inputs = [...(known?.inputs ?? [])];
  for (const input of report.inputs) {
    const at = inputs.findIndex(
      i => i.namespace === input.namespace && i.name === input.name,
    );
    if (at < 0) inputs.push(input);
    else if (input.entityRef) inputs[at] = input;
  }
  const state = newer
    ? {
        job: report.job,
        eventType: report.eventType,
        eventTime: reportTime,
        producer: report.producer,
      }
    : {
        job: known!.job,
        eventType: known!.eventType,
        eventTime: known!.eventTime,
        producer: known!.producer,
      };
  return {
    runId: report.runId,
    ...state,
    inputs,
    updatedAt: now.toISOString(),
  };
}

function sameRun(a: VersionRun, b: VersionRun) {
  const { updatedAt: _a, ...left } = a;
  const { updatedAt: _b, ...right } = b;
  return JSON.stringify(left) === JSON.stringify(right);
}

function addRunEdges(
  runs: VersionRun[],
  versionId: string,
  addNode: (node: LineageNode) => string,
  edges: LineageEdge[],
) {
  for (const run of runs) {
    const runId = addNode({
      id: `run:${run.runId}`,
      kind: 'run',
      label: `${run.job} (${run.eventType})`,
    });
    edges.push({ from: versionId, to: runId, type: 'producedBy' });
    for (const input of run.inputs) {
      const id = addNode({
        id: `dataset:${input.entityRef ?? `${input.namespace}/${input.name}`}`,
        kind: 'dataset',
        label: input.entityRef
          ? input.entityRef.replace(/^resource:(default\/)?/, '')
          : `${input.namespace}/${input.name}`,
        ...(input.entityRef ? { entityRef: input.entityRef } : {}),
      });
      edges.push({ from: versionId, to: id, type: 'trainedOn' });
    }
  }
}

function addSourceEdges(
  version: LineageVersion,
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

export function runPayload(run: VersionRun) {
  return {
    runId: run.runId,
    eventType: run.eventType,
    inputs: run.inputs.length,
  };
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
