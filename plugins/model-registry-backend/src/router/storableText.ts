import { InputError } from '@backstage/errors';
import { UNSTORABLE_TEXT } from '../service/storableText';

function describe(char: string): string {
  return `U+${char.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
}

function check(value: unknown, path: string[], what: string): void {
  if (typeof value === 'string') {
    const found = UNSTORABLE_TEXT.exec(value);
    if (found) {
      const at = path.length > 0 ? `${what}.${path.join('.')}` : what;
      throw new InputError(
        `Invalid ${what}: ${at} contains ${describe(
          found[0],
        )}, which the registry does not store`,
      );
    }
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => check(item, [...path, String(index)], what));
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key === '__proto__') {
        // JSON.parse keeps it as a key, but a plain JavaScript object
        // cannot: validation would drop it silently instead of storing it.
        throw new InputError(
          `Invalid ${what}: ${[what, ...path].join(
            '.',
          )} has the key __proto__, which is reserved`,
        );
      }
      check(key, path, what);
      check(item, [...path, key], what);
    }
  }
}

/**
 * Refuses text that a database would reject or silently change, and keys
 * that a JavaScript object would drop.
 */
export function assertStorableText(value: unknown, what: string): void {
  check(value, [], what);
}
