import { EmptyState, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { Flex, Text } from '@backstage/ui';
import { Deployment } from '@mlreg/plugin-model-registry-common';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { modelRegistryApiRef } from '../../api';
import { RegistryErrorPanel, useModelName } from '../shared';
import { EnvironmentCard } from './EnvironmentCard';
import { groupByEnvironment } from './environments';

const PAGE_SIZE = 100;

/** What the tab says when the portal has no environment to deploy to. */
export const CONFIGURE_HINT =
  'Deployments need an environment: add one under modelRegistry.environments in app-config.yaml (name, the alias it follows, targetKind kserve or deployment, a cluster from kubernetes.clusterLocatorMethods or { name, url, token }, a namespace) and install @mlreg/plugin-model-registry-backend-module-kubernetes in the backend; or use mode: cicd with @mlreg/plugin-model-registry-backend-module-cicd. Moving the alias an environment follows then deploys, and the rollouts show here.';
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
  const [reloads, setReloads] = useState(0);
  const { value, loading, error } = useAsync(async () => {
    const environments = await api.listModelEnvironments(modelName);
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
    return { environments, deployments, truncated: cursor !== undefined };
  }, [api, modelName, reloads]);

  if (error) return <RegistryErrorPanel error={error} modelName={modelName} />;
  if (!value) return <Progress />;
  if (value.environments.length === 0 && value.deployments.length === 0) {
    return (
      <EmptyState
        missing="data"
        title="No environments configured"
        description={CONFIGURE_HINT}
      />
    );
  }
  const groups = new Map(
    groupByEnvironment(value.deployments).map(g => [g.environment, g]),
  );
  const names = [
    ...value.environments.map(e => e.name),
    ...[...groups.keys()].filter(
      name => !value.environments.some(e => e.name === name),
    ),
  ];

  return (
    <Flex direction="column" gap="4">
      {value.truncated && (
        <Text color="secondary">
          {`Showing the newest ${value.deployments.length} deployments.`}
        </Text>
      )}
      {loading && <Progress />}
      {names.map(name => (
        <EnvironmentCard
          key={name}
          name={name}
          group={groups.get(name)}
          environment={value.environments.find(e => e.name === name)}
          complete={!value.truncated}
          modelName={modelName}
          onChanged={() => setReloads(n => n + 1)}
        />
      ))}
    </Flex>
  );
};
