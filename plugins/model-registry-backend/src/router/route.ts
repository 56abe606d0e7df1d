import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  ModelRegistryOperationId,
  modelRegistryOperations,
  OperationDefinition,
  OperationResponse,
} from '@mlreg/plugin-model-registry-common';
import express from 'express';
import { z } from 'zod';

type Operations = typeof modelRegistryOperations;

/** The validated value of one part of a request, or `{}` when absent. */
type Parsed<D, Part extends 'params' | 'query' | 'body'> = D extends {
  [P in Part]: infer S;
}
  ? S extends z.ZodType
    ? z.output<S>
    : never
  : {};

/** What a handler receives: validated input and the caller. */
export interface RouteInput<K extends ModelRegistryOperationId> {
  params: Parsed<Operations[K], 'params'>;
  query: Parsed<Operations[K], 'query'>;
  body: Parsed<Operations[K], 'body'>;
  credentials: BackstageCredentials;
  req: express.Request;
  res: express.Response;
}

/**
 * One implemented operation. The handler's answer is sent as JSON with the
 * operation's status; a handler that answers by itself (a stream, a
 * redirect) or has nothing to say (204) resolves to undefined.
 */
export interface Route {
  operationId: ModelRegistryOperationId;
  operation: OperationDefinition;
  /** Called with input validated by the operation's schemas. */
  handler: (input: {
    params: unknown;
    query: unknown;
    body: unknown;
    credentials: BackstageCredentials;
    req: express.Request;
    res: express.Response;
  }) => Promise<unknown>;
}

/** Implements an operation of the API contract. */
export function route<K extends ModelRegistryOperationId>(
  operationId: K,
  handler: (
    input: RouteInput<K>,
  ) => Promise<OperationResponse<K> | undefined | void>,
): Route {
  return {
    operationId,
    operation: modelRegistryOperations[operationId],
    handler: handler as unknown as Route['handler'],
  };
}
