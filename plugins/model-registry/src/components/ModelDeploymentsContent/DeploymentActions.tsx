import { useApi } from '@backstage/frontend-plugin-api';
import { Button, Flex, Text, TextField } from '@backstage/ui';
import { Deployment } from '@mlreg/plugin-model-registry-common';
import { useState } from 'react';
import { modelRegistryApiRef } from '../../api';
import { ActionForm, useActionOutcome } from '../shared';

/** Deploys a version of the model to one environment. */
export const DeployForm = ({
  modelName,
  environment,
  suggestedVersion,
  onChanged,
}: {
  modelName: string;
  environment: string;
  /** Prefilled: the version the environment's alias names. */
  suggestedVersion?: number;
  onChanged: () => void;
}) => {
  const api = useApi(modelRegistryApiRef);
  const [version, setVersion] = useState(
    suggestedVersion === undefined ? '' : String(suggestedVersion),
  );
  const [touched, setTouched] = useState(false);
  const { pending, run, feedback } = useActionOutcome();
  const invalid = /^[1-9][0-9]{0,8}$/.test(version.trim())
    ? undefined
    : 'Enter a version number.';
  const submit = () => {
    setTouched(true);
    if (invalid) return;
    run(async () => {
      const deployment = await api.createDeployment(modelName, {
        environment,
        version: Number(version.trim()),
      });
      onChanged();
      return `Deploying v${deployment.version} to ${environment}: ${deployment.status}.`;
    });
  };
  return (
    <ActionForm title={`Deploy to ${environment}`} onSubmit={submit}>
      <Flex align="end" gap="2">
        <TextField
          label="Version"
          placeholder="e.g. 3"
          value={version}
          onChange={setVersion}
          isInvalid={touched && !!invalid}
        />
        <Button type="submit" variant="primary" isDisabled={pending}>
          Deploy
        </Button>
      </Flex>
      {touched && invalid && <Text color="danger">{invalid}</Text>}
      {feedback}
    </ActionForm>
  );
};

/** Returns the environment to an earlier successful deployment. */
export const RollbackButton = ({
  deployment,
  onChanged,
}: {
  deployment: Deployment;
  onChanged: () => void;
}) => {
  const api = useApi(modelRegistryApiRef);
  const { pending, run, feedback } = useActionOutcome();
  return (
    <Flex direction="column" gap="2">
      <Flex>
        <Button
          variant="secondary"
          isDisabled={pending}
          onPress={() =>
            run(async () => {
              const rollback = await api.rollbackDeployment(
                deployment.model,
                deployment.id,
                `rolled back from the Deployments tab to v${deployment.version}`,
              );
              onChanged();
              return `Rolling ${deployment.environment} back to v${rollback.version}.`;
            })
          }
        >
          {`Roll back ${deployment.environment} to v${deployment.version}`}
        </Button>
      </Flex>
      {feedback}
    </Flex>
  );
};
