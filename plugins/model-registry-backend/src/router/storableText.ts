import { InputError } from '@backstage/errors';

/**
 * NUL, which PostgreSQL cannot store in text; the noncharacters U+FFFE and
 * U+FFFF; and unpaired surrogates, which become U+FFFD on the way to the
 * database. Each would be refused by one database and silently kept or
 * changed by the other, so the API refuses them everywhere.
 */
const UNSTORABLE =
  // eslint-disable-next-line no-control-regex -- NUL is what this refuses
  /\u0000|[\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function describe(char: string): string {
  return `U+${char.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
}

function check(value: unknown, path: string[], what: string): void {
  if (typeof value === 'string') {
    const found = UNSTORABLE.exec(value);
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
