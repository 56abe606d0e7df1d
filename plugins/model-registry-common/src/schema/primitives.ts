import { z } from 'zod';
import { MODEL_NAME_PATTERN } from '../validation';

/*
 * The building blocks of the API's request and response schemas. Every
 * pattern here is the one rule for its kind of value, used by the backend to
 * validate, by the OpenAPI document and by the typed client.
 */

export const modelName = z
  .string()
  .min(1)
  .max(63)
  .regex(
    MODEL_NAME_PATTERN,
    "lowercase letters, digits and '-', starting and ending with a letter or digit",
  )
  .meta({ description: 'Model name (DNS label)', example: 'fraud-detector' });

/** A version number in a path: digits, read as a number. */
export const versionNumber = z
  .string()
  .regex(/^[1-9][0-9]{0,8}$/, 'must be a positive integer')
  .transform(Number)
  .meta({ description: 'Version number', example: '3' });

export const aliasName = z
  .string()
  .regex(
    MODEL_NAME_PATTERN,
    "1-63 lowercase letters, digits and '-', starting and ending with a letter or digit",
  )
  .meta({ description: 'Alias name', example: 'champion' });

/** Environments are named like aliases: `staging`, `production`. */
export const environmentName = aliasName.meta({
  description: 'Environment, e.g. production',
  example: 'staging',
});

export const entityRef = z
  .string()
  .max(255)
  .regex(
    /^[a-z][a-z0-9-]*:[a-z0-9-_.]+\/[a-z0-9-_.]+$/i,
    'must be an entity ref like group:default/data-science',
  );

export const tag = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9-:.]{0,62}$/,
    'tags are 1-63 lowercase letters, digits, -, : and .',
  );

export const shortText = (max: number) => z.string().max(max);

/** A whole number that fits the database's integer columns. */
export const int32 = z
  .number()
  .int()
  .max(2 ** 31 - 1);

/** The `limit` of a page: a whole number of items, at most `max`. */
export const pageSize = (max: number) =>
  z.coerce.number<number | string>().int().min(1).max(max).optional();

/** An opaque page cursor, as a previous page returned it. */
export const cursor = shortText(512).optional();

export const metricKey = z
  .string()
  .regex(/^[A-Za-z0-9_.\-/]{1,128}$/, 'invalid metric key');

export const kpiName = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9_.-]{0,127}$/,
    'KPI names are lowercase letters, digits, _, . and -',
  );

export const sha256 = z
  .string()
  .regex(/^[a-f0-9]{64}$/, 'a lowercase hex sha256');

/** An ISO 8601 timestamp in a query, read as a Date. */
export const isoDate = z.iso
  .datetime({ offset: true })
  .transform(v => new Date(v));

/** An ISO 8601 timestamp in an answer. */
export const timestamp = z.iso.datetime();

/** Who made something and when, on every stored record that changes. */
export const timestamps = {
  createdAt: timestamp,
  createdBy: z.string(),
  updatedAt: timestamp,
  updatedBy: z.string(),
};

/** One page of a list, with the cursor of the next page when there is one. */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.strictObject({
    items: z.array(item),
    nextCursor: z.string().optional(),
  });
}

/** A whole list in one answer. */
export function listOf<T extends z.ZodType>(item: T) {
  return z.strictObject({ items: z.array(item) });
}

export const emptyQuery = z.strictObject({});
