import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Secrets look like `whsec_<base64 of 24-64 random bytes>`. */
const SECRET = /^whsec_([A-Za-z0-9+/]+={0,2})$/;

/** Why a webhook secret is unusable, or undefined. */
export function describeInvalidSecret(secret: string): string | undefined {
  const match = SECRET.exec(secret);
  const bytes = match ? Buffer.from(match[1], 'base64').length : 0;
  return bytes >= 24 && bytes <= 64
    ? undefined
    : 'secret must be whsec_ followed by the base64 of 24 to 64 bytes';
}

/** A new random secret. */
export function generateSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/**
 * The `webhook-signature` header of a delivery: `v1,` + base64 of
 * HMAC-SHA256, keyed with the secret's bytes, over `<id>.<timestamp>.<body>`
 * (the Standard Webhooks scheme).
 */
export function signWebhook(
  secret: string,
  id: string,
  timestamp: number,
  body: string,
): string {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const mac = createHmac('sha256', key)
    .update(`${id}.${timestamp}.${body}`)
    .digest('base64');
  return `v1,${mac}`;
}

/**
 * Whether one of the space-separated signatures of a `webhook-signature`
 * header is the delivery's, compared in constant time. For receivers and
 * tests; the README shows the same in a few lines.
 */
export function verifyWebhookSignature(
  secret: string,
  headers: { id: string; timestamp: string; signature: string },
  body: string,
): boolean {
  const expected = Buffer.from(
    signWebhook(secret, headers.id, Number(headers.timestamp), body),
  );
  return headers.signature.split(' ').some(candidate => {
    const given = Buffer.from(candidate);
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
