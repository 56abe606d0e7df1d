import {
  CellText,
  ColumnConfig,
  Flex,
  Table,
  Text,
  useTable,
} from '@backstage/ui';
import {
  Deployment,
  deploymentCreatePermission,
  deploymentRollbackPermission,
  ModelEnvironment,
} from '@mlreg/plugin-model-registry-common';
import { ReactNode, useState } from 'react';
import {
  formatTimestamp,
  singleSelection,
  TitledCard,
  ToneCell,
  useModelPermission,
} from '../shared';
import { DeployForm, RollbackButton } from './DeploymentActions';
import { EnvironmentDeployments, STATUS_TONES } from './environments';
import { StatusHistory } from './StatusHistory';

const columns: ColumnConfig<Deployment>[] = [
  {
    id: 'when',
    label: 'When',
    isRowHeader: true,
    cell: d => <CellText title={formatTimestamp(d.createdAt)} />,
  },
  {
    id: 'version',
    label: 'Version',
    cell: d => <CellText title={`v${d.version}`} />,
  },
  {
    id: 'replaced',
    label: 'Replaced',
    cell: d => (
      <CellText
        title={d.replacedVersion === undefined ? '—' : `v${d.replacedVersion}`}
      />
    ),
  },
  {
    id: 'status',
    label: 'Status',
    cell: d => <ToneCell label={d.status} tone={STATUS_TONES[d.status]} />,
  },
  {
    id: 'who',
    label: 'Who',
    cell: d => <CellText title={d.createdBy} />,
  },
  {
    id: 'target',
    label: 'Target',
    cell: d => (
      <CellText
        title={`${d.target.cluster} / ${d.target.namespace}`}
        description={d.target.kind}
      />
    ),
  },
];

/** When a deployment last reached a status, from its history. */
function reachedAt(deployment: Deployment, status: string): string {
  const change = [...deployment.history]
    .reverse()
    .find(c => c.status === status);
  return formatTimestamp(change?.at ?? deployment.updatedAt);
}

const Summary = ({
  label,
  children,
}: {
  label: string;
  children: ReactNode;
}) => (
  <Flex direction="column" gap="1">
    <Text variant="body-small" color="secondary">
      {label}
    </Text>
    {children}
  </Flex>
);

/** What the environment is configured as, and whether it serves its alias. */
const Configuration = ({ environment }: { environment: ModelEnvironment }) => (
  <Flex direction="column" gap="1">
    <Text variant="body-small" color="secondary">
      {`${
        environment.mode === 'cicd' ? 'CI/CD pipeline' : environment.targetKind
      } on ${environment.cluster} / ${environment.namespace}${
        environment.alias
          ? `, follows alias ${environment.alias}${
              environment.aliasVersion === undefined
                ? ' (not set)'
                : ` (v${environment.aliasVersion})`
            }`
          : ''
      }${
        environment.guardrails.length
          ? `, guardrails: ${environment.guardrails.join(', ')}`
          : ''
      }${environment.autoRollback ? ', automatic rollback' : ''}`}
    </Text>
    {!environment.available && (
      <Text color="danger">
        {`No installed backend module deploys ${
          environment.mode === 'cicd'
            ? 'through pipelines'
            : `targetKind ${environment.targetKind}`
        }: add @mlreg/plugin-model-registry-backend-module-${
          environment.mode === 'cicd' ? 'cicd' : 'kubernetes'
        } to the backend.`}
      </Text>
    )}
    {environment.sync && !environment.sync.inSync && (
      <Text color="warning" weight="bold">
        {`Out of sync: ${
          environment.sync.message ??
          'the cluster serves another version than the alias names'
        } (checked ${formatTimestamp(environment.sync.checkedAt)})`}
      </Text>
    )}
  </Flex>
);

/**
 * One environment: how it is configured, the version it serves, how its
 * newest rollout is going, and its deployments; selecting one shows its
 * status history. Deploy and rollback appear for those allowed to.
 */
export const EnvironmentCard = ({
  name,
  group,
  environment,
  complete,
  modelName,
  onChanged,
}: {
  name: string;
  /** The environment's deployments, newest first; absent when it has none. */
  group?: EnvironmentDeployments;
  /** The environment's configuration; absent when it is no longer configured. */
  environment?: ModelEnvironment;
  /** Whether `group` holds all the environment's deployments, not just the newest. */
  complete: boolean;
  modelName: string;
  onChanged: () => void;
}) => {
  const canDeploy = useModelPermission(deploymentCreatePermission, modelName);
  const canRollback = useModelPermission(
    deploymentRollbackPermission,
    modelName,
  );
  const deployments = group?.deployments ?? [];
  const [selectedId, setSelectedId] = useState(deployments[0]?.id);
  const { tableProps } = useTable<Deployment>({
    mode: 'complete',
    data: deployments,
    paginationOptions: { pageSize: 10 },
  });
  const newest = deployments[0];
  const selected = deployments.find(d => d.id === selectedId) ?? newest;
  const serving = group?.serving;
  const lastChange = newest?.history[newest.history.length - 1];
  const actionable = environment?.available ?? false;

  return (
    <TitledCard title={name}>
      <Flex direction="column" gap="4">
        {environment ? (
          <Configuration environment={environment} />
        ) : (
          <Text color="secondary">
            This environment is no longer configured in
            modelRegistry.environments.
          </Text>
        )}
        <Flex gap="8">
          <Summary label="Serving">
            {serving ? (
              <Text weight="bold">
                {`v${serving.version} since ${reachedAt(serving, 'succeeded')}`}
              </Text>
            ) : (
              <Text color="secondary">
                {complete
                  ? 'No deployment has succeeded here.'
                  : 'No deployment shown has succeeded here.'}
              </Text>
            )}
          </Summary>
          {newest && (
            <Summary label="Newest rollout">
              <Text weight="bold" color={STATUS_TONES[newest.status]}>
                {`v${newest.version} ${newest.status}`}
              </Text>
              <Text variant="body-small" color="secondary">
                {`${lastChange?.message ?? 'No message'} (${reachedAt(
                  newest,
                  newest.status,
                )})`}
              </Text>
              {newest.guardrails && (
                <Text variant="body-small" color="secondary">
                  {newest.guardrails
                    .map(
                      g =>
                        `${g.name}: ${g.phase} (${g.successful} ok, ${g.failed} failed, ${g.inconclusive} inconclusive, ${g.errors} errors)`,
                    )
                    .join('; ')}
                </Text>
              )}
            </Summary>
          )}
        </Flex>
        {canDeploy && actionable && (
          <DeployForm
            modelName={modelName}
            environment={name}
            suggestedVersion={environment?.aliasVersion}
            onChanged={onChanged}
          />
        )}
        {deployments.length > 0 && (
          <Table
            columnConfig={columns}
            {...tableProps}
            selection={singleSelection(selected!.id, setSelectedId)}
          />
        )}
        {selected &&
          canRollback &&
          actionable &&
          selected.status === 'succeeded' &&
          selected.id !== newest?.id && (
            <RollbackButton deployment={selected} onChanged={onChanged} />
          )}
        {selected && <StatusHistory deployment={selected} />}
      </Flex>
    </TitledCard>
  );
};
