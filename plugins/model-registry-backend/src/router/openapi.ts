import { z } from 'zod';
import { Route } from './route';

const errorSchema = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: { name: { type: 'string' }, message: { type: 'string' } },
      required: ['name', 'message'],
    },
    request: {
      type: 'object',
      properties: { method: { type: 'string' }, url: { type: 'string' } },
    },
    response: {
      type: 'object',
      properties: { statusCode: { type: 'number' } },
    },
  },
  required: ['error'],
};

/** Every create accepts one; see the README's REST API reference. */
const idempotencyKeyParameter = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    'Makes a retry safe: the same key with the same request gets the first answer again (with `Idempotent-Replayed: true`); the same key with another request answers 409. Kept 24 hours per caller.',
  schema: { type: 'string', minLength: 1, maxLength: 255 },
};

function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
    target: 'draft-2020-12',
  }) as Record<string, unknown>;
  return rest;
}

function objectProperties(schema: z.ZodType | undefined) {
  if (!schema) return [];
  const json = jsonSchema(schema) as {
    properties?: Record<string, Record<string, unknown>>;
    required?: string[];
  };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    required: json.required?.includes(name) ?? false,
    schema: property,
  }));
}

/** The OpenAPI 3.1 document of the REST API, generated from the route table. */
export function buildOpenApiDocument(routes: Route[], version: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const { operationId, operation: r } of routes) {
    const path = r.path.replace(/:([A-Za-z]+)/g, '{$1}');
    const parameters = [
      ...objectProperties(r.params).map(p => ({
        ...p,
        in: 'path',
        required: true,
      })),
      ...objectProperties(r.query).map(p => ({ ...p, in: 'query' })),
      ...(r.method === 'post' ? [idempotencyKeyParameter] : []),
    ];
    const responses: Record<string, unknown> = {
      [r.status]: {
        description: r.responseDescription,
        ...(r.response
          ? {
              content: {
                'application/json': { schema: jsonSchema(r.response) },
              },
            }
          : {}),
      },
    };
    const errors: Record<string, string> = {
      '400': 'Invalid input',
      ...(r.auth === 'none' ? {} : { '401': 'Missing or invalid credentials' }),
      ...(r.permissions.length > 0 ? { '403': 'Not permitted' } : {}),
      ...(r.path.includes(':') ? { '404': 'Not found' } : {}),
      ...(r.method !== 'get'
        ? { '409': 'Conflicts with the current state' }
        : {}),
      ...r.errors,
    };
    for (const [status, description] of Object.entries(errors)) {
      responses[status] = {
        description,
        content: {
          'application/json': {
            schema: { $ref: '#/components/schemas/Error' },
          },
        },
      };
    }
    paths[path] = {
      ...paths[path],
      [r.method]: {
        operationId,
        summary: r.summary,
        tags: [r.tag],
        ...(r.permissions.length > 0
          ? {
              description: `Permissions: ${r.permissions
                .map(p => `\`${p}\``)
                .join(', ')}`,
            }
          : {}),
        ...(r.auth === 'none' ? { security: [] } : {}),
        ...(parameters.length > 0 ? { parameters } : {}),
        ...(r.body
          ? {
              requestBody: {
                required: true,
                content: { 'application/json': { schema: jsonSchema(r.body) } },
              },
            }
          : {}),
        ...(r.upload
          ? {
              requestBody: {
                required: true,
                content: {
                  'application/octet-stream': {
                    schema: {
                      type: 'string',
                      contentMediaType: 'application/octet-stream',
                    },
                  },
                },
              },
            }
          : {}),
        responses,
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'model-registry',
      version,
      description:
        'The Model Registry REST API: models, versions, artifacts, aliases, KPIs, deployments, drift reports, lineage, the audit trail and portfolio figures.',
    },
    servers: [{ url: '/api/model-registry' }],
    security: [{ backstageToken: [] }],
    paths,
    components: {
      securitySchemes: {
        backstageToken: { type: 'http', scheme: 'bearer' },
      },
      schemas: { Error: errorSchema },
    },
  };
}
