import {
  CycloneDxBom,
  Model,
  ModelVersion,
  VersionRun,
} from '@mlreg/plugin-model-registry-common';
import { randomUUID } from 'node:crypto';

/** The name and version of the tool that writes the documents. */
const TOOL = { name: 'Model Registry for Backstage', group: 'mlreg' };

function nonEmpty(texts: Array<string | undefined>): string[] {
  return texts.filter((t): t is string => Boolean(t && t.trim()));
}

/**
 * A version as a CycloneDX 1.6 document: one `machine-learning-model`
 * component (artifact, digest, license, parameters as properties, and its
 * `modelCard`: task, datasets, metrics and considerations), one `data`
 * component per dataset it was trained or evaluated on or that a recorded
 * run read, and the dependencies of the model on them (its lineage).
 */
export function toCycloneDx(
  model: Model,
  version: ModelVersion,
  runs: VersionRun[],
  now: Date,
): CycloneDxBom {
  const modelRef = `model:${model.name}@${version.version}`;
  const datasets = new Map<string, Record<string, unknown>>();
  const addDataset = (ref: string, name: string, url?: string) => {
    if (datasets.has(ref)) return;
    datasets.set(ref, {
      type: 'data',
      'bom-ref': ref,
      name,
      data: [
        {
          type: 'dataset',
          name,
          ...(url ? { contents: { url } } : {}),
        },
      ],
    });
  };
  for (const d of version.datasets) {
    const name = d.entityRef ?? d.uri!;
    addDataset(`dataset:${name}${d.digest ? `@${d.digest}` : ''}`, name, d.uri);
  }
  for (const run of runs) {
    for (const input of run.inputs) {
      const name = input.entityRef ?? `${input.namespace}/${input.name}`;
      addDataset(`dataset:${name}`, name);
    }
  }
  const card = version.modelCard;
  const considerations = {
    ...(card.intendedUse ? { useCases: [card.intendedUse] } : {}),
    ...(card.limitations ? { technicalLimitations: [card.limitations] } : {}),
    ...(card.ethicalConsiderations
      ? { ethicalConsiderations: [{ name: card.ethicalConsiderations }] }
      : {}),
  };
  const modelParameters = {
    ...(model.task ? { task: model.task } : {}),
    ...(model.framework ? { architectureFamily: model.framework } : {}),
    ...(datasets.size
      ? { datasets: [...datasets.keys()].map(ref => ({ ref })) }
      : {}),
  };
  const modelCard = {
    modelParameters,
    quantitativeAnalysis: {
      performanceMetrics: version.metrics.map(m => ({
        type: m.key,
        value: String(m.value),
        ...(m.dataset ? { slice: m.dataset } : {}),
      })),
    },
    considerations,
  };
  const artifactUri =
    version.artifact?.location === 'external'
      ? version.artifact.uri
      : undefined;
  const properties = [
    ...Object.entries(version.parameters).map(([name, value]) => ({
      name: `mlreg:parameter:${name}`,
      value: String(value),
    })),
    ...nonEmpty([version.source.runId]).map(value => ({
      name: 'mlreg:source:runId',
      value,
    })),
    ...nonEmpty([version.source.commit]).map(value => ({
      name: 'mlreg:source:commit',
      value,
    })),
    ...runs.map(run => ({
      name: 'mlreg:run',
      value: `${run.job} ${run.runId} ${run.eventType}`,
    })),
    ...nonEmpty([card.trainingData]).map(value => ({
      name: 'mlreg:modelCard:trainingData',
      value,
    })),
    ...nonEmpty([card.evaluationData]).map(value => ({
      name: 'mlreg:modelCard:evaluationData',
      value,
    })),
  ];
  const component = {
    type: 'machine-learning-model',
    'bom-ref': modelRef,
    name: model.name,
    version: String(version.version),
    ...(version.description || model.description
      ? { description: version.description || model.description }
      : {}),
    ...(version.artifact?.sha256
      ? { hashes: [{ alg: 'SHA-256', content: version.artifact.sha256 }] }
      : {}),
    ...(card.license
      ? { licenses: [{ license: { name: card.license } }] }
      : {}),
    ...(artifactUri
      ? { externalReferences: [{ type: 'distribution', url: artifactUri }] }
      : {}),
    ...(properties.length ? { properties } : {}),
    modelCard,
  };
  return {
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    serialNumber: `urn:uuid:${randomUUID()}`,
    version: 1,
    metadata: {
      timestamp: now.toISOString(),
      tools: { components: [{ type: 'application', ...TOOL }] },
      component: {
        type: 'machine-learning-model',
        'bom-ref': `model:${model.name}`,
        name: model.name,
        ...(model.owner ? { supplier: { name: model.owner } } : {}),
      },
    },
    components: [component, ...datasets.values()],
    dependencies: [
      { ref: modelRef, dependsOn: [...datasets.keys()] },
      ...[...datasets.keys()].map(ref => ({ ref })),
    ],
  };
}
