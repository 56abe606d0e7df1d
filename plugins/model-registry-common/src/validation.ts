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

/**
 * Names an alias can never have: `latest` is computed, and a number would
 * be ambiguous with a version in URLs and clients.
 */
const RESERVED_ALIASES = new Set(['latest', 'none', 'all']);

/** Returns why `alias` is not a valid alias name, or undefined when it is. */
export function describeInvalidAlias(alias: string): string | undefined {
  // Aliases end up in URLs and Kubernetes labels, like model names.
  if (!MODEL_NAME_PATTERN.test(alias)) {
    return `alias "${alias}" must be 1-63 lowercase letters, digits and '-', starting and ending with a letter or digit`;
  }
  if (RESERVED_ALIASES.has(alias) || /^v?\d+$/.test(alias)) {
    return `alias "${alias}" is reserved`;
  }
  return undefined;
}
