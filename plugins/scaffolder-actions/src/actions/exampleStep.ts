import yaml from 'yaml';

/** A template with one step of `action`, as the examples show it. */
export function exampleStep(
  id: string,
  action: string,
  name: string,
  input: Record<string, unknown>,
): string {
  return yaml.stringify({ steps: [{ id, action, name, input }] });
}
