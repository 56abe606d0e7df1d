import { modelEntityTransformer } from './modelEntityTransformer';

describe('modelEntityTransformer', () => {
  it('adds the framework and tags of a model to its searchable text', () => {
    const document = modelEntityTransformer({
      apiVersion: 'mlreg.io/v1alpha1',
      kind: 'Model',
      metadata: {
        name: 'fraud-detector',
        description: 'Scores card payments',
        tags: ['payments', 'tabular'],
      },
      spec: {
        type: 'classification',
        lifecycle: 'production',
        owner: 'group:default/data-science',
        framework: 'xgboost',
      },
    });
    expect(document).toMatchObject({
      title: 'fraud-detector',
      kind: 'Model',
      owner: 'group:default/data-science',
      text: 'Scores card payments xgboost payments tabular',
    });
  });

  it('leaves other kinds as the catalog collator indexes them', () => {
    const document = modelEntityTransformer({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: 'checkout-service',
        description: 'Takes payments',
        tags: ['java'],
      },
      spec: {
        type: 'service',
        owner: 'group:default/a',
        lifecycle: 'production',
      },
    });
    expect(document.text).toBe('Takes payments');
  });
});
