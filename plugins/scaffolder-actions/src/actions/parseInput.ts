import { InputError } from '@backstage/errors';
import { z } from 'zod/v3';

/**
 * The action's input checked against its schema, with the schema's
 * defaults filled in: the scaffolder checks the JSON schema derived from it
 * but applies no defaults, and a direct call checks nothing.
 */
export function parseInput<T extends z.ZodTypeAny>(
  schema: T,
  input: unknown,
): z.output<T> {
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new InputError(
      `Invalid input: ${result.error.issues
        .map(issue => `${issue.path.join('.') || 'input'}: ${issue.message}`)
        .join('; ')}`,
    );
  }
  return result.data;
}
