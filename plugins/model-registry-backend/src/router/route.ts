import { BackstageCredentials } from '@backstage/backend-plugin-api';
import express from 'express';
import { z } from 'zod';

/** What a handler receives: validated input and the caller. */
export interface RouteInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  credentials: BackstageCredentials;
  req: express.Request;
  res: express.Response;
}

/**
 * One endpoint: its validation, documentation and handler in one place.
 * The handler's return value is sent as JSON with `status`; a handler that
 * answers by itself (a stream, a redirect) returns undefined.
 */
export interface Route<P = any, Q = any, B = any> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Express path, e.g. `/models/:name`. */
  path: string;
  operationId: string;
  summary: string;
  tag: string;
  /** Permission names checked, for the documentation. */
  permissions: string[];
  params?: z.ZodType<P, any>;
  query?: z.ZodType<Q, any>;
  body?: z.ZodType<B, any>;
  /** The request body is a byte stream (artifact upload), not JSON. */
  streamBody?: boolean;
  status: number;
  response?: z.ZodType;
  responseDescription: string;
  /** Sent unauthenticated (health). */
  unauthenticated?: boolean;
  /**
   * Also accepts the user cookie of Backstage's cookie auth, for links the
   * browser follows without a token (artifact downloads).
   */
  userCookie?: boolean;
  handler: (input: RouteInput<P, Q, B>) => Promise<unknown>;
}

/** Keeps each route's types while collecting routes of different shapes. */
export function route<P, Q, B>(definition: Route<P, Q, B>): Route {
  return definition as Route;
}
