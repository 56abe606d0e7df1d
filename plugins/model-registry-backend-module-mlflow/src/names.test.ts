import { mlflowNameOf, registryNameOf, tombstoneNameOf } from './names';
import { annotationKeyOf, tagKeyOf, tagsOf } from './tags';

describe('registryNameOf', () => {
  it('keeps a name that already is a registry name', () => {
    expect(registryNameOf('fraud-detector')).toBe('fraud-detector');
  });

  it('maps free-form names to a slug and a hash, deterministically', () => {
    const name = registryNameOf('Fraud Detector');
    expect(name).toMatch(/^fraud-detector-[0-9a-f]{10}$/);
    expect(registryNameOf('Fraud Detector')).toBe(name);
    expect(registryNameOf('fraud detector')).not.toBe(name);
    expect(registryNameOf('pyTestModel-abc')).toMatch(
      /^pytestmodel-abc-[0-9a-f]{10}$/,
    );
    expect(registryNameOf('模型')).toMatch(/^m-[0-9a-f]{10}$/);
    const long = registryNameOf(`${'Very Long Name '.repeat(10)}!`);
    expect(long.length).toBeLessThanOrEqual(63);
    expect(long).toMatch(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/);
  });

  it('reads the exact MLflow name back from the annotation', () => {
    expect(
      mlflowNameOf({
        name: registryNameOf('Fraud Detector'),
        annotations: { 'mlreg.io/mlflow-name': 'Fraud Detector' },
      }),
    ).toBe('Fraud Detector');
    expect(mlflowNameOf({ name: 'churn' })).toBe('churn');
  });

  it('names a deleted model out of the way', () => {
    const name = tombstoneNameOf('x'.repeat(63), new Date(0));
    expect(name).toBe(`${'x'.repeat(40)}-deleted-0`);
  });
});

describe('MLflow tags as annotations', () => {
  it('round-trips any key through an annotation key', () => {
    for (const key of [
      'mlflow.source.type',
      'Owner Name',
      'mlflow.prompt.is_prompt',
      'clé/ünïcode',
      'a/b_c',
    ]) {
      const annotation = annotationKeyOf(key);
      expect(annotation).toMatch(/^[a-z0-9.\-/]{1,128}$/);
      expect(tagKeyOf(annotation)).toBe(key);
    }
    expect(annotationKeyOf('mlflow.source.type')).toBe(
      'mlflow.tag/mlflow.source.type',
    );
    expect(tagKeyOf('mlreg.io/mlflow-name')).toBeUndefined();
    expect(
      tagsOf({
        'mlflow.tag/b': '2',
        'mlreg.io/mlflow-stage': 'Production',
        'mlflow.tag/a': '1',
      }),
    ).toEqual([
      { key: 'a', value: '1' },
      { key: 'b', value: '2' },
    ]);
  });
});
