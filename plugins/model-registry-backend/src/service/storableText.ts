/**
 * NUL, which PostgreSQL cannot store in text; the noncharacters U+FFFE and
 * U+FFFF; and unpaired surrogates, which become U+FFFD on the way to the
 * database. Each would be refused by one database and silently kept or
 * changed by the other, so the registry refuses them everywhere.
 */
export const UNSTORABLE_TEXT =
  // eslint-disable-next-line no-control-regex -- NUL is what this refuses
  /\u0000|[\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Whether a database stores `text` exactly as given. */
export function isStorableText(text: string): boolean {
  return !UNSTORABLE_TEXT.test(text);
}
