/**
 * Model names are DNS labels: they end up in Kubernetes object names, catalog
 * entity names and URLs, so the strictest of those rules applies everywhere.
 */
export const MODEL_NAME_PATTERN = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** Returns why `name` is not a valid model name, or undefined when it is. */
export function describeInvalidModelName(name: unknown): string | undefined {
  if (typeof name !== 'string' || name.length === 0) {
    return 'model name must be a non-empty string';
  }
  if (name.length > 63) {
    return `model name must be at most 63 characters, got ${name.length}`;
  }
  if (!MODEL_NAME_PATTERN.test(name)) {
    return `model name "${name}" must consist of lowercase letters, digits and '-', and start and end with a letter or digit`;
  }
  return undefined;
}
