import { InputError } from '@backstage/errors';
import Ajv2020, { ErrorObject } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import schema from './schema/OpenLineage.json';

/** An OpenLineage event of the 2-0-x specification. */
export type LineageEvent =
  | { kind: 'run'; event: RunEvent }
  | { kind: 'dataset' | 'job' };

export interface LineageDataset {
  namespace: string;
  name: string;
  facets?: Record<string, unknown>;
}

export interface RunEvent {
  eventType?: 'START' | 'RUNNING' | 'COMPLETE' | 'ABORT' | 'FAIL' | 'OTHER';
  eventTime: string;
  producer: string;
  run: { runId: string; facets?: Record<string, unknown> };
  job: { namespace: string; name: string };
  inputs?: LineageDataset[];
  outputs?: LineageDataset[];
}

const ajv = new Ajv2020({ allErrors: false, strict: false });
addFormats(ajv);
ajv.addSchema(schema);
const definition = (name: string) =>
  ajv.getSchema(`${schema.$id}#/$defs/${name}`)!;
const validators = {
  run: definition('RunEvent'),
  dataset: definition('DatasetEvent'),
  job: definition('JobEvent'),
};

function describe(error: ErrorObject): string {
  const field = error.instancePath || '(the event)';
  if (error.keyword === 'required') {
    const missing = (error.params as { missingProperty: string })
      .missingProperty;
    return `${error.instancePath}/${missing} is required`;
  }
  if (error.keyword === 'enum') {
    return `${field} must be one of ${(
      error.params as { allowedValues: unknown[] }
    ).allowedValues.join(', ')}`;
  }
  return `${field} ${error.message}`;
}

/**
 * Validates an event against the OpenLineage schema: a RunEvent when it
 * has a `run`, else a DatasetEvent (`dataset`) or JobEvent (`job`). A
 * failing event throws an InputError naming the first failing field.
 */
export function validateEvent(body: unknown): LineageEvent {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new InputError('An OpenLineage event must be a JSON object');
  }
  let kind: 'run' | 'dataset' | 'job' = 'run';
  if (!('run' in body) && 'dataset' in body) kind = 'dataset';
  else if (!('run' in body) && !('inputs' in body) && 'job' in body) {
    kind = 'job';
  }
  const validate = validators[kind];
  if (!validate(body)) {
    throw new InputError(
      `Invalid OpenLineage ${
        kind === 'run'
          ? 'RunEvent'
          : `${kind[0].toUpperCase()}${kind.slice(1)}Event`
      }: ${describe(validate.errors![0])}`,
    );
  }
  return kind === 'run' ? { kind, event: body as RunEvent } : { kind };
}
