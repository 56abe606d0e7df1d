/**
 * MLflow tags (free-form keys and values) kept as registry annotations,
 * whose keys are 1-128 of `[a-z0-9.-/]`: the key is written after
 * {@link TAG_PREFIX} with every other byte of its UTF-8 form as `/hh`, so
 * `mlflow.source.type` stays readable and `Owner` becomes `/4fwner`.
 */
export const TAG_PREFIX = 'mlflow.tag/';

const MAX_ANNOTATION_KEY = 128;
const MAX_ANNOTATION_VALUE = 4096;

/** An MLflow tag, as the REST API carries it. */
export type MlflowTag = { key: string; value: string };

export function annotationKeyOf(tagKey: string): string {
  let encoded = '';
  for (const byte of Buffer.from(tagKey, 'utf8')) {
    const char = String.fromCharCode(byte);
    encoded += /[a-z0-9.-]/.test(char)
      ? char
      : `/${byte.toString(16).padStart(2, '0')}`;
  }
  return TAG_PREFIX + encoded;
}

/** The tag key of an annotation key, or undefined when it holds no tag. */
export function tagKeyOf(annotationKey: string): string | undefined {
  if (!annotationKey.startsWith(TAG_PREFIX)) return undefined;
  const encoded = annotationKey.slice(TAG_PREFIX.length);
  const bytes: number[] = [];
  for (let i = 0; i < encoded.length; i++) {
    if (encoded[i] === '/') {
      bytes.push(parseInt(encoded.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(encoded.charCodeAt(i));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Why a tag cannot be kept, or undefined when it can. */
export function describeUnstorableTag(tag: MlflowTag): string | undefined {
  if (tag.key.length === 0) return 'Tag key cannot be empty.';
  if (annotationKeyOf(tag.key).length > MAX_ANNOTATION_KEY) {
    return `Tag key '${tag.key}' is too long for this registry: at most ${
      MAX_ANNOTATION_KEY - TAG_PREFIX.length
    } characters once encoded (characters other than a-z, 0-9, '.' and '-' take 3).`;
  }
  if (tag.value.length > MAX_ANNOTATION_VALUE) {
    return `Tag value of '${tag.key}' is too long for this registry: at most ${MAX_ANNOTATION_VALUE} characters, got ${tag.value.length}.`;
  }
  return undefined;
}

/** The MLflow tags among annotations, in key order. */
export function tagsOf(annotations: Record<string, string>): MlflowTag[] {
  const tags: MlflowTag[] = [];
  for (const [annotation, value] of Object.entries(annotations)) {
    const key = tagKeyOf(annotation);
    if (key !== undefined) tags.push({ key, value });
  }
  return tags.sort((a, b) => Number(a.key > b.key) - Number(a.key < b.key));
}
