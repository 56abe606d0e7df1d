/**
 * JSON Schema of the KServe `serving.kserve.io/v1beta1` InferenceService
 * fields the deployer writes, written from the KServe API reference
 * (`PredictorSpec`, `ModelSpec`, `ModelFormat`): types, required fields and
 * ranges as the CRD declares them. Fields the deployer never sets are
 * allowed through, as the API server's structural schema would prune or
 * validate them.
 */
const quantityOrInt = {
  anyOf: [
    { type: 'integer' },
    { type: 'string', pattern: '^[0-9.]+[a-zA-Z]*$' },
  ],
};
const resourceList = {
  type: 'object',
  additionalProperties: quantityOrInt,
};

export const inferenceServiceSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  properties: {
    apiVersion: { const: 'serving.kserve.io/v1beta1' },
    kind: { const: 'InferenceService' },
    metadata: {
      type: 'object',
      required: ['name'],
      properties: {
        name: {
          type: 'string',
          maxLength: 63,
          pattern: '^[a-z]([-a-z0-9]*[a-z0-9])?$',
        },
        namespace: { type: 'string', maxLength: 63 },
        labels: {
          type: 'object',
          additionalProperties: { type: 'string', maxLength: 63 },
        },
        annotations: {
          type: 'object',
          additionalProperties: { type: 'string' },
        },
      },
    },
    spec: {
      type: 'object',
      required: ['predictor'],
      properties: {
        predictor: {
          type: 'object',
          properties: {
            minReplicas: { type: 'integer', minimum: 0 },
            maxReplicas: { type: 'integer', minimum: 0 },
            canaryTrafficPercent: { type: 'integer', minimum: 0, maximum: 100 },
            serviceAccountName: { type: 'string' },
            model: {
              type: 'object',
              required: ['modelFormat'],
              properties: {
                modelFormat: {
                  type: 'object',
                  required: ['name'],
                  properties: {
                    name: { type: 'string', minLength: 1 },
                    version: { type: 'string' },
                  },
                  additionalProperties: false,
                },
                storageUri: { type: 'string', minLength: 1 },
                runtime: { type: 'string' },
                protocolVersion: { type: 'string' },
                resources: {
                  type: 'object',
                  properties: { requests: resourceList, limits: resourceList },
                },
              },
            },
          },
        },
      },
    },
  },
} as const;
