import { EmptyState, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { Flex, Text } from '@backstage/ui';
import { Deployment } from '@mlreg/plugin-model-registry-common';
import useAsync from 'react-use/esm/useAsync';
import { modelRegistryApiRef } from '../../api';
import { RegistryErrorPanel, useModelName } from '../shared';
import { EnvironmentCard } from './EnvironmentCard';
import { groupByEnvironment } from './environments';

const PAGE_SIZE = 100;
/** Bounds what the tab reads; older deployments are history nobody pages to. */
export const MAX_PAGES = 10;

/**
 * The Deployments tab: per environment, the version it serves, its newest
 * rollout and its history. It reads every deployment up to a bound, since the
 * serving version can be older than the environment's newest deployments.
 */
export const ModelDeploymentsContent = () => {
  const modelName = useModelName();
  const api = useApi(modelRegistryApiRef);
  const { value, loading, error } = useAsync(async () => {
    const deployments: Deployment[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const result = await api.listDeployments(modelName, {
        limit: PAGE_SIZE,
        cursor,
      });
      deployments.push(...result.items);
      cursor = result.nextCursor;
      if (!cursor) break;
    }
    return { deployments, truncated: cursor !== undefined };
  }, [api, modelName]);

  if (error) return <RegistryErrorPanel error={error} modelName={modelName} />;
  if (loading || !value) return <Progress />;
  if (value.deployments.length === 0) {
    return (
      <EmptyState
        missing="data"
        title="No deployments yet"
        description="The registry's deployer records deployments here once a version is deployed through it to an environment: the version each environment serves, the rollout status, and the version each deployment replaced."
      />
    );
  }

  return (
    <Flex direction="column" gap="4">
      {value.truncated && (
        <Text color="secondary">
          {`Showing the newest ${value.deployments.length} deployments.`}
        </Text>
      )}
      {groupByEnvironment(value.deployments).map(group => (
        <EnvironmentCard
          key={group.environment}
          group={group}
          complete={!value.truncated}
        />
      ))}
    </Flex>
  );
};
