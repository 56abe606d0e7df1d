import Ajv from 'ajv';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Service } from 'kubernetes-models/v1/Service';
import { Manifest } from './manifests';
import { inferenceServiceSchema } from './schemas/inferenceService';

const ajv = new Ajv({ allErrors: true, strict: false });
const validateInferenceService = ajv.compile(inferenceServiceSchema);

/**
 * Checks a manifest against the JSON schema of its kind: Deployments and
 * Services with the `kubernetes-models` schemas of the Kubernetes API, KServe
 * InferenceServices with the schema in `schemas/`. Returns what is wrong, or
 * undefined.
 */
export function validateManifest(manifest: Manifest): string | undefined {
  try {
    switch (manifest.kind) {
      case 'Deployment':
        new Deployment(manifest as any).validate();
        return undefined;
      case 'Service':
        new Service(manifest as any).validate();
        return undefined;
      case 'InferenceService':
        if (validateInferenceService(manifest)) return undefined;
        return ajv.errorsText(validateInferenceService.errors, {
          dataVar: 'InferenceService',
        });
      default:
        return `kind ${manifest.kind} is not one the deployer sends`;
    }
  } catch (e) {
    return (e as Error).message;
  }
}
