import { MlflowError } from './errors';
import { MlflowTag } from './tags';

/** The type of a request field, as MLflow's protos declare it. */
export type FieldType = 'string' | 'int' | 'bool' | 'strings' | 'tags';

/** Fields of a request message: type, and whether it is required. */
export type MessageSpec = Record<string, { type: FieldType; required?: true }>;

type FieldValue<T extends FieldType> = T extends 'string'
  ? string
  : T extends 'int'
  ? number
  : T extends 'bool'
  ? boolean
  : T extends 'strings'
  ? string[]
  : MlflowTag[];

/** A parsed request: required fields present, repeated fields always lists. */
export type Message<S extends MessageSpec> = {
  [K in keyof S as S[K]['required'] extends true
    ? K
    : S[K]['type'] extends 'strings' | 'tags'
    ? K
    : never]: FieldValue<S[K]['type']>;
} & {
  [K in keyof S as S[K]['required'] extends true
    ? never
    : S[K]['type'] extends 'strings' | 'tags'
    ? never
    : K]?: FieldValue<S[K]['type']>;
};

function invalidValue(field: string, value: unknown, expected: string) {
  return MlflowError.invalid(
    `Invalid value ${JSON.stringify(
      value,
    )} for parameter '${field}' supplied: expected ${expected}.`,
  );
}

function asString(field: string, value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw invalidValue(field, value, 'a string');
}

function convert(
  field: string,
  type: FieldType,
  value: unknown,
  fromQuery: boolean,
): unknown {
  switch (type) {
    case 'string':
      return asString(field, value);
    case 'int': {
      const number =
        typeof value === 'string' && /^-?[0-9]+$/.test(value)
          ? Number(value)
          : value;
      if (typeof number !== 'number' || !Number.isSafeInteger(number)) {
        throw invalidValue(field, value, 'an integer');
      }
      return number;
    }
    case 'bool':
      if (typeof value === 'boolean') return value;
      if (fromQuery && (value === 'true' || value === 'false')) {
        return value === 'true';
      }
      throw invalidValue(field, value, 'true or false');
    case 'strings': {
      const list = Array.isArray(value) ? value : [value];
      return list.map(item => asString(field, item));
    }
    default: {
      if (!Array.isArray(value)) {
        throw invalidValue(field, value, 'a list of {"key", "value"} objects');
      }
      return value.map(tag => {
        if (
          typeof tag !== 'object' ||
          tag === null ||
          typeof (tag as MlflowTag).key !== 'string'
        ) {
          throw invalidValue(field, tag, 'a {"key", "value"} object');
        }
        const { key, value: tagValue } = tag as { key: string; value: unknown };
        return {
          key,
          value:
            tagValue === undefined ? '' : asString(`${field}.value`, tagValue),
        };
      });
    }
  }
}

/**
 * Reads a request message the way MLflow's server does: from the query
 * string for GET (repeated keys for lists, `true`/`false` for booleans),
 * else from the JSON body; unknown fields are ignored.
 */
export function readMessage<S extends MessageSpec>(
  spec: S,
  input: Record<string, unknown>,
  fromQuery: boolean,
): Message<S> {
  const message: Record<string, unknown> = {};
  for (const [field, { type, required }] of Object.entries(spec)) {
    const raw = input[field];
    if (raw === undefined || raw === null || (required && raw === '')) {
      if (required) {
        throw MlflowError.invalid(
          `Missing value for required parameter '${field}'. See the API docs for more information about request parameters.`,
        );
      }
      if (type === 'strings' || type === 'tags') message[field] = [];
      continue;
    }
    if (fromQuery && Array.isArray(raw) && type !== 'strings') {
      throw invalidValue(field, raw, 'a single value');
    }
    message[field] = convert(field, type, raw, fromQuery);
  }
  return message as Message<S>;
}
