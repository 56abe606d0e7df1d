import { InputError } from '@backstage/errors';
import {
  artifactKey,
  assertArtifactKey,
  isArtifactKey,
  normalizeSha256,
} from './ArtifactStore';

const MODEL_ID = '0b7c5bd6-4d0f-4f38-9d43-6f0f0c1d2e3a';
const VERSION_ID = 'f1e2d3c4-b5a6-4978-8695-a4b3c2d1e0f9';

describe('artifactKey', () => {
  it('derives the key from the model and version ids', () => {
    expect(artifactKey(MODEL_ID, VERSION_ID)).toBe(
      `models/${MODEL_ID}/versions/${VERSION_ID}/artifact`,
    );
  });

  it('normalizes upper-case UUIDs so each version has one key', () => {
    expect(artifactKey(MODEL_ID.toUpperCase(), VERSION_ID)).toBe(
      artifactKey(MODEL_ID, VERSION_ID),
    );
  });

  it.each([
    ['fraud-detector', VERSION_ID],
    [MODEL_ID, '../../etc'],
    [MODEL_ID, ''],
    [`${MODEL_ID}/..`, VERSION_ID],
    [MODEL_ID, `${VERSION_ID}\n`],
  ])('refuses anything but UUIDs (%j, %j)', (modelId, versionId) => {
    expect(() => artifactKey(modelId, versionId)).toThrow(
      /Artifact key needs a UUID/,
    );
  });
});

describe('assertArtifactKey', () => {
  it('accepts derived keys only', () => {
    const key = artifactKey(MODEL_ID, VERSION_ID);
    expect(isArtifactKey(key)).toBe(true);
    expect(() => assertArtifactKey(key)).not.toThrow();
    for (const bad of [
      `${key}/..`,
      `/${key}`,
      `models/${MODEL_ID}/versions/../artifact`,
      key.toUpperCase(),
      `tmp/${VERSION_ID}`,
    ]) {
      expect(isArtifactKey(bad)).toBe(false);
      expect(() => assertArtifactKey(bad)).toThrow(InputError);
    }
  });
});

describe('normalizeSha256', () => {
  it('lower-cases hex digests and rejects anything else', () => {
    expect(normalizeSha256('AB'.repeat(32))).toBe('ab'.repeat(32));
    expect(() => normalizeSha256('ab')).toThrow(InputError);
    expect(() => normalizeSha256('zz'.repeat(32))).toThrow(InputError);
  });
});
