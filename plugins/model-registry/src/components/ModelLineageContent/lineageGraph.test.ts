import { LineageGraph, LineageNode } from '@mlreg/plugin-model-registry-common';
import {
  drawEdge,
  graphHeight,
  limitVersions,
  parseVersionLimit,
} from './lineageGraph';

const graph: LineageGraph = {
  nodes: [
    { id: 'model:m', kind: 'model', label: 'm' },
    { id: 'version:m/1', kind: 'version', label: 'm v1' },
    { id: 'version:m/2', kind: 'version', label: 'm v2' },
    { id: 'version:m/3', kind: 'version', label: 'm v3' },
    { id: 'version:base/4', kind: 'version', label: 'base v4' },
    { id: 'dataset:old', kind: 'dataset', label: 'old' },
    { id: 'dataset:shared', kind: 'dataset', label: 'shared' },
    { id: 'deployment:prod', kind: 'deployment', label: 'prod' },
    { id: 'catalog:component:default/app', kind: 'component', label: 'app' },
  ],
  edges: [
    { from: 'version:m/1', to: 'model:m', type: 'versionOf' },
    { from: 'version:m/2', to: 'model:m', type: 'versionOf' },
    { from: 'version:m/3', to: 'model:m', type: 'versionOf' },
    { from: 'version:m/1', to: 'version:base/4', type: 'derivedFrom' },
    { from: 'version:m/1', to: 'dataset:old', type: 'trainedOn' },
    { from: 'version:m/1', to: 'dataset:shared', type: 'trainedOn' },
    { from: 'version:m/3', to: 'dataset:shared', type: 'trainedOn' },
    { from: 'version:m/2', to: 'deployment:prod', type: 'deployedAs' },
    {
      from: 'catalog:component:default/app',
      to: 'model:m',
      type: 'consumes',
    },
  ],
};

const ids = (g: LineageGraph) => g.nodes.map(n => n.id).sort();

describe('limitVersions', () => {
  it('keeps the newest versions and the deployed ones, and what they connect to', () => {
    const limited = limitVersions(graph, 1);

    expect(ids(limited)).toEqual([
      'catalog:component:default/app',
      'dataset:shared',
      'deployment:prod',
      'model:m',
      'version:m/2',
      'version:m/3',
    ]);
    expect(limited.edges).not.toContainEqual(
      expect.objectContaining({ from: 'version:m/1' }),
    );
    expect(limited.totalVersions).toBe(3);
    expect(limited.shownVersions).toBe(2);
  });

  it('keeps everything without a limit', () => {
    const limited = limitVersions(graph, 0);

    expect(ids(limited)).toEqual(ids(graph));
    expect(limited.edges).toEqual(graph.edges);
    expect(limited.shownVersions).toBe(3);
  });

  it('counts no versions of a model that has none', () => {
    const limited = limitVersions({ nodes: [graph.nodes[0]], edges: [] }, 20);

    expect(limited.nodes).toEqual([graph.nodes[0]]);
    expect(limited.totalVersions).toBe(0);
  });
});

describe('drawEdge', () => {
  it('points from what a version is made of to what uses it', () => {
    expect(
      drawEdge({ from: 'version:m/1', to: 'dataset:old', type: 'trainedOn' }),
    ).toEqual({
      from: 'dataset:old',
      to: 'version:m/1',
      label: 'training data of',
    });
    expect(
      drawEdge({ from: 'version:m/1', to: 'model:m', type: 'versionOf' }),
    ).toEqual({ from: 'version:m/1', to: 'model:m', label: 'version of' });
    expect(
      drawEdge({ from: 'catalog:c', to: 'model:m', type: 'consumes' }),
    ).toEqual({ from: 'model:m', to: 'catalog:c', label: 'consumed by' });
  });
});

describe('parseVersionLimit', () => {
  it('accepts the offered choices and falls back to 20', () => {
    expect(parseVersionLimit('50')).toBe(50);
    expect(parseVersionLimit('all')).toBe(0);
    expect(parseVersionLimit(null)).toBe(20);
    expect(parseVersionLimit('7')).toBe(20);
    expect(parseVersionLimit('0')).toBe(20);
  });
});

describe('graphHeight', () => {
  const nodes = (count: number, kind: LineageNode['kind']): LineageNode[] =>
    Array.from({ length: count }, (_, i) => ({
      id: `${kind}:${i}`,
      kind,
      label: `${kind} ${i}`,
    }));

  it('makes room for the tallest column of the graph, within bounds', () => {
    const of = (...groups: LineageNode[][]) =>
      graphHeight({ nodes: groups.flat(), edges: [] });

    expect(of(nodes(1, 'model'), nodes(1, 'version'))).toBe(240);
    // Three versions, each with a data set, a run and a commit.
    expect(of(nodes(3, 'version'), nodes(2, 'dataset'), nodes(2, 'run'))).toBe(
      4 * 64 + 40,
    );
    expect(of(nodes(5, 'component'), nodes(1, 'deployment'))).toBe(6 * 64 + 40);
    expect(of(nodes(40, 'version'), nodes(120, 'dataset'))).toBe(600);
  });
});
