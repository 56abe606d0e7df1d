import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import express from 'express';
import { createHash } from 'node:crypto';
import {
  IdempotencyService,
  IdempotentAnswer,
} from '../service/IdempotencyService';
import { actorOf } from './authorization';

/** The `Idempotency-Key` of a request, scoped to its caller. */
export interface IdempotencyClaim {
  principal: string;
  key: string;
  /** Identifies the request: the same key must come with the same one. */
  fingerprint: string;
}

/** Printable ASCII without spaces, as the IETF draft and Stripe use. */
const KEY = /^[\x21-\x7E]{1,255}$/;

/** Reads the Idempotency-Key of a create request; undefined without one. */
export function idempotencyClaimOf(
  req: express.Request,
  operationId: string,
  body: unknown,
  credentials: BackstageCredentials,
): IdempotencyClaim | undefined {
  const key = req.get('idempotency-key');
  if (key === undefined) return undefined;
  if (!KEY.test(key)) {
    throw new InputError(
      'Invalid Idempotency-Key: 1-255 printable ASCII characters without spaces',
    );
  }
  const fingerprint = createHash('sha256')
    .update(`${operationId}\n${req.path}\n${JSON.stringify(body ?? null)}`)
    .digest('hex');
  return { principal: actorOf(credentials, req).ref, key, fingerprint };
}

/**
 * Runs a create request at most once per key: the first answer is kept and
 * sent again to every retry with the same key and request.
 */
export async function runOnce(
  idempotency: IdempotencyService,
  claim: IdempotencyClaim,
  status: number,
  run: () => Promise<unknown>,
): Promise<{ replayed: IdempotentAnswer } | { result: unknown }> {
  const { principal, key, fingerprint } = claim;
  const kept = await idempotency.begin(principal, key, fingerprint);
  if (kept) return { replayed: kept };
  let result: unknown;
  try {
    result = await run();
  } catch (error) {
    await idempotency.release(principal, key);
    throw error;
  }
  await idempotency.complete(principal, key, {
    status,
    body: JSON.parse(JSON.stringify(result ?? null)),
  });
  return { result };
}
