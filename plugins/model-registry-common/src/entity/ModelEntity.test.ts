import { Entity } from '@backstage/catalog-model';
import { MODEL_NAME_PATTERN } from '../validation';
import {
  getModelRegistryName,
  isModelEntity,
  MODEL_ENTITY_TYPES,
  modelEntityV1alpha1Validator,
  ModelEntityV1alpha1,
} from './ModelEntity';
import schema from './Model.v1alpha1.schema.json';

function model(spec: Record<string, unknown> = {}): ModelEntityV1alpha1 {
  return {
    apiVersion: 'mlreg.io/v1alpha1',
    kind: 'Model',
    metadata: {
      name: 'fraud-detector',
      annotations: { 'mlreg.io/registry-name': 'fraud-detector' },
    },
    spec: {
      type: 'classification',
      lifecycle: 'production',
      owner: 'group:default/data-science',
      system: 'payments-risk',
      framework: 'xgboost',
      dependsOn: ['resource:card-transactions', 'model:default/embeddings'],
      registryName: 'fraud-detector',
      ...spec,
    },
  } as ModelEntityV1alpha1;
}

function without(field: string): Entity {
  const entity = model();
  delete (entity.spec as Record<string, unknown>)[field];
  return entity;
}

describe('modelEntityV1alpha1Validator', () => {
  const check = (entity: unknown) =>
    modelEntityV1alpha1Validator.check(entity as Entity);

  it('accepts a complete model', async () => {
    await expect(check(model())).resolves.toBe(true);
  });

  it('accepts a model with only the required fields', async () => {
    await expect(
      check({
        apiVersion: 'mlreg.io/v1alpha1',
        kind: 'Model',
        metadata: { name: 'm' },
        spec: { type: 'other', lifecycle: 'experimental', owner: 'team-a' },
      }),
    ).resolves.toBe(true);
  });

  it.each(MODEL_ENTITY_TYPES)('accepts type %s', async type => {
    await expect(check(model({ type }))).resolves.toBe(true);
  });

  it('accepts an empty dependsOn and unknown spec fields', async () => {
    await expect(check(model({ dependsOn: [], team: 'x' }))).resolves.toBe(
      true,
    );
  });

  it.each([
    ['another kind', { kind: 'Component' }],
    ['another apiVersion', { apiVersion: 'backstage.io/v1alpha1' }],
    ['a future apiVersion', { apiVersion: 'mlreg.io/v1beta1' }],
  ])('answers false for %s', async (_, override) => {
    await expect(check({ ...model(), ...override })).resolves.toBe(false);
  });

  it('answers false for a Component even when its spec is not a model spec', async () => {
    await expect(
      check({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: { name: 'checkout-service' },
        spec: { type: 'service', dependsOn: 'not-an-array' },
      }),
    ).resolves.toBe(false);
  });

  it.each([
    [
      'missing owner',
      without('owner'),
      /\/spec must have required property 'owner'/,
    ],
    [
      'missing type',
      without('type'),
      /\/spec must have required property 'type'/,
    ],
    [
      'missing lifecycle',
      without('lifecycle'),
      /\/spec must have required property 'lifecycle'/,
    ],
    [
      'missing spec',
      { ...model(), spec: undefined },
      /must have required property 'spec'/,
    ],
    [
      'empty owner',
      model({ owner: '' }),
      /\/spec\/owner must NOT have fewer than 1 characters/,
    ],
    [
      'unknown type',
      model({ type: 'clustering' }),
      /\/spec\/type must be equal to one of the allowed values.*classification,regression,ranking,forecasting,llm,other/,
    ],
    ['non-string type', model({ type: 3 }), /\/spec\/type must be string/],
    [
      'upper-case registryName',
      model({ registryName: 'Fraud' }),
      /\/spec\/registryName must match pattern/,
    ],
    [
      'registryName ending in a dash',
      model({ registryName: 'fraud-' }),
      /\/spec\/registryName must match pattern/,
    ],
    [
      'registryName longer than 63 characters',
      model({ registryName: 'a'.repeat(64) }),
      /\/spec\/registryName must match pattern/,
    ],
    [
      'dependsOn that is a string',
      model({ dependsOn: 'resource:card-transactions' }),
      /\/spec\/dependsOn must be array/,
    ],
    [
      'dependsOn with a non-string entry',
      model({ dependsOn: ['resource:card-transactions', 42] }),
      /\/spec\/dependsOn\/1 must be string/,
    ],
    [
      'dependsOn with an empty entry',
      model({ dependsOn: [''] }),
      /\/spec\/dependsOn\/0 must NOT have fewer than 1 characters/,
    ],
    [
      'non-string system',
      model({ system: ['a'] }),
      /\/spec\/system must be string/,
    ],
    [
      'non-string framework',
      model({ framework: 1 }),
      /\/spec\/framework must be string/,
    ],
    [
      'a bad metadata.name',
      { ...model(), metadata: { name: 7 } },
      /\/metadata\/name must be string/,
    ],
  ])(
    'rejects %s with an error naming the field',
    async (_, entity, message) => {
      await expect(check(entity)).rejects.toThrow(message);
    },
  );

  // The schema cannot import the registry's constants, so these keep the
  // two from drifting apart.
  const specProperties = (
    schema.allOf[1] as {
      properties: {
        spec: {
          properties: Record<string, { pattern?: string; enum?: string[] }>;
        };
      };
    }
  ).properties.spec.properties;

  it('checks registryName with the registry’s own name rule', () => {
    expect(specProperties.registryName.pattern).toBe(MODEL_NAME_PATTERN.source);
  });

  it('lists exactly MODEL_ENTITY_TYPES as types', () => {
    expect(specProperties.type.enum).toEqual([...MODEL_ENTITY_TYPES]);
  });
});

describe('isModelEntity', () => {
  it('recognises Model entities of mlreg.io/v1alpha1', () => {
    expect(isModelEntity(model())).toBe(true);
  });

  it.each([
    ['another kind', { kind: 'Component' }],
    ['another apiVersion', { apiVersion: 'backstage.io/v1alpha1' }],
    ['a future apiVersion', { apiVersion: 'mlreg.io/v1beta1' }],
  ])('rejects %s', (_, override) => {
    expect(isModelEntity({ ...model(), ...override } as Entity)).toBe(false);
  });
});

describe('getModelRegistryName', () => {
  const entity = (
    annotation: string | undefined,
    registryName: unknown,
  ): Entity => ({
    apiVersion: 'mlreg.io/v1alpha1',
    kind: 'Model',
    metadata: {
      name: 'entity-name',
      annotations:
        annotation === undefined
          ? undefined
          : { 'mlreg.io/registry-name': annotation },
    },
    spec: {
      type: 'llm',
      lifecycle: 'production',
      owner: 'ml-platform',
      ...(registryName === undefined ? {} : { registryName }),
    },
  });

  it('prefers the annotation', () => {
    expect(getModelRegistryName(entity('from-annotation', 'from-spec'))).toBe(
      'from-annotation',
    );
  });

  it('falls back to spec.registryName', () => {
    expect(getModelRegistryName(entity(undefined, 'from-spec'))).toBe(
      'from-spec',
    );
    expect(getModelRegistryName(entity('', 'from-spec'))).toBe('from-spec');
  });

  it('falls back to metadata.name', () => {
    expect(getModelRegistryName(entity(undefined, undefined))).toBe(
      'entity-name',
    );
    expect(getModelRegistryName(entity(undefined, 42))).toBe('entity-name');
  });

  it('works on entities without a spec', () => {
    expect(
      getModelRegistryName({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Location',
        metadata: { name: 'loc' },
      }),
    ).toBe('loc');
  });
});
