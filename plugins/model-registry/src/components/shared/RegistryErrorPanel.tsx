import { EmptyState, ResponseErrorPanel } from '@backstage/core-components';
import { ResponseError } from '@backstage/errors';

/**
 * The error of a registry call. A 404 means the catalog knows the model but
 * the registry does not (or the user may not read it), which deserves an
 * explanation rather than a stack of HTTP details.
 */
export const RegistryErrorPanel = ({
  error,
  modelName,
}: {
  error: Error;
  modelName: string;
}) => {
  if (error instanceof ResponseError && error.statusCode === 404) {
    return (
      <EmptyState
        missing="info"
        title={`The registry has no model "${modelName}"`}
        description="Register it with POST /api/model-registry/models, or point the entity at its registry name with the mlreg.io/registry-name annotation."
      />
    );
  }
  return <ResponseErrorPanel error={error} />;
};
