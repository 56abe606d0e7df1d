import { EmptyState, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { EntityRefLink, useEntity } from '@backstage/plugin-catalog-react';
import {
  CellText,
  ColumnConfig,
  Flex,
  Grid,
  Link,
  Table,
  Text,
  useTable,
} from '@backstage/ui';
import {
  ANNOTATION_GITHUB_PROJECT_SLUG,
  ANNOTATION_JIRA_PROJECT_KEY,
  ANNOTATION_SLACK_CHANNEL,
  Kpi,
  Model,
  modelUpdatePermission,
  ModelVersion,
} from '@mlreg/plugin-model-registry-common';
import { ReactNode } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { modelRegistryApiRef } from '../../api';
import {
  formatTimestamp,
  formatValue,
  MODEL_CARD_FIELDS,
  RegistryErrorPanel,
  TitledCard,
  useModelName,
  useModelPermission,
} from '../shared';
import { HealthBadges } from './HealthBadges';
import { ArchiveButton, KpiForm } from './OwnerActions';

/** The aliases whose version is the one people mean by "the model", in order. */
const CARD_ALIASES = ['production', 'champion'];

/** The version whose model card the overview shows, and why that one. */
export function pickCardVersion(
  model: Model,
): { version: number; reason: string } | undefined {
  for (const alias of CARD_ALIASES) {
    const version = model.aliases[alias];
    if (version !== undefined) return { version, reason: `alias ${alias}` };
  }
  if (model.latestVersion !== undefined) {
    return { version: model.latestVersion, reason: 'latest version' };
  }
  return undefined;
}

const Field = ({ label, children }: { label: string; children: ReactNode }) => (
  <Flex direction="column" gap="1">
    <Text variant="body-small" color="secondary">
      {label}
    </Text>
    <Text as="div" variant="body-medium">
      {children}
    </Text>
  </Flex>
);

const kpiColumns: ColumnConfig<Kpi & { id: string }>[] = [
  {
    id: 'name',
    label: 'KPI',
    isRowHeader: true,
    cell: kpi => (
      <CellText
        title={kpi.name}
        description={
          kpi.version === undefined ? undefined : `version ${kpi.version}`
        }
      />
    ),
  },
  {
    id: 'value',
    label: 'Value',
    cell: kpi => (
      <CellText title={`${formatValue(kpi.value)} ${kpi.unit}`.trim()} />
    ),
  },
  {
    id: 'period',
    label: 'Period',
    cell: kpi => <CellText title={kpi.period || '—'} />,
  },
  {
    id: 'updated',
    label: 'Updated',
    cell: kpi => (
      <CellText
        title={formatTimestamp(kpi.updatedAt)}
        description={kpi.source}
      />
    ),
  },
];

const KpiTable = ({ kpis }: { kpis: Kpi[] }) => {
  const { tableProps } = useTable({
    mode: 'complete',
    data: kpis.map(kpi => ({
      ...kpi,
      id: `${kpi.name}/${kpi.version ?? ''}`,
    })),
    paginationOptions: { type: 'none' },
  });
  return <Table columnConfig={kpiColumns} {...tableProps} />;
};

const ModelCardView = ({
  version,
  reason,
}: {
  version: ModelVersion;
  reason: string;
}) => {
  const fields = MODEL_CARD_FIELDS.filter(({ key }) => version.modelCard[key]);
  return (
    <TitledCard
      title={
        <>
          Model card of version {version.version} ({reason})
        </>
      }
    >
      {fields.length === 0 ? (
        <Text color="secondary">
          Version {version.version} was registered without a model card.
        </Text>
      ) : (
        <Flex direction="column" gap="3">
          {fields.map(({ key, label }) => (
            <Field key={key} label={label}>
              {version.modelCard[key]}
            </Field>
          ))}
        </Flex>
      )}
    </TitledCard>
  );
};

const Links = ({ model }: { model: Model }) => {
  const { entity } = useEntity();
  const annotations = entity.metadata.annotations ?? {};
  const slug = annotations[ANNOTATION_GITHUB_PROJECT_SLUG];
  const repoUrl =
    model.links.repoUrl ?? (slug ? `https://github.com/${slug}` : undefined);
  const jira =
    model.links.jiraProject ?? annotations[ANNOTATION_JIRA_PROJECT_KEY];
  const slack =
    model.links.slackChannel ?? annotations[ANNOTATION_SLACK_CHANNEL];
  // The entity's own links: dashboards, runbooks, docs.
  const entityLinks = (entity.metadata.links ?? []).filter(
    link => link.url !== repoUrl,
  );
  if (!repoUrl && !jira && !slack && entityLinks.length === 0) {
    return (
      <Text color="secondary">
        No repository, Jira, Slack or dashboard links.
      </Text>
    );
  }
  return (
    <Flex direction="column" gap="3">
      {repoUrl && (
        <Field label="Repository">
          <Link href={repoUrl} target="_blank" rel="noopener noreferrer">
            {repoUrl}
          </Link>
        </Field>
      )}
      {jira && <Field label="Jira project">{jira}</Field>}
      {slack && <Field label="Slack channel">{slack}</Field>}
      {entityLinks.map(link => (
        <Field key={link.url} label={link.title ?? 'Link'}>
          <Link href={link.url} target="_blank" rel="noopener noreferrer">
            {link.url}
          </Link>
        </Field>
      ))}
    </Flex>
  );
};

/** The Model tab: what the model is, which version serves, and how it does. */
export const ModelOverviewContent = () => {
  const name = useModelName();
  const { entity } = useEntity();
  const api = useApi(modelRegistryApiRef);
  const canUpdate = useModelPermission(modelUpdatePermission, name);
  const { value, error, retry } = useAsyncRetry(async () => {
    const [model, kpis] = await Promise.all([
      api.getModel(name),
      api.listKpis(name),
    ]);
    const pick = pickCardVersion(model);
    const cardVersion = pick
      ? await api.getVersion(name, pick.version)
      : undefined;
    return { model, kpis, pick, cardVersion };
  }, [api, name]);

  if (error) return <RegistryErrorPanel error={error} modelName={name} />;
  // Kept on screen while an owner action reloads it.
  if (!value) return <Progress />;

  const { model, kpis, pick, cardVersion } = value;
  const aliases = Object.entries(model.aliases).sort(([a], [b]) =>
    a.localeCompare(b),
  );

  return (
    <Grid.Root columns={{ initial: '1', md: '2' }} gap="4">
      <TitledCard title={model.name}>
        <Flex direction="column" gap="3">
          <Field label="Description">
            {model.description || 'No description.'}
          </Field>
          <Field label="Owner">
            <EntityRefLink
              entityRef={parseEntityRef(model.owner, {
                defaultKind: 'group',
              })}
            />
          </Field>
          {typeof entity.spec?.system === 'string' && (
            <Field label="System">
              <EntityRefLink
                entityRef={parseEntityRef(entity.spec.system, {
                  defaultKind: 'system',
                  defaultNamespace: entity.metadata.namespace,
                })}
              />
            </Field>
          )}
          <Field label="Health">
            <HealthBadges model={model} />
          </Field>
          {model.keyMetric && (
            <Field label="Key metric">
              {model.keyMetricValue
                ? `${model.keyMetricValue.key} ${formatValue(
                    model.keyMetricValue.value,
                  )} (v${model.keyMetricValue.version})`
                : `${model.keyMetric} (no version reports it yet)`}
            </Field>
          )}
          <Field label="Latest version">
            {model.latestVersion === undefined
              ? 'No version registered yet'
              : `v${model.latestVersion}`}
          </Field>
          <Field label="Aliases">
            {aliases.length === 0 ? (
              'No aliases set'
            ) : (
              <Flex gap="2" direction="column">
                {aliases.map(([alias, version]) => (
                  <span key={alias}>
                    {alias} → v{version}
                  </span>
                ))}
              </Flex>
            )}
          </Field>
          {model.archived && (
            <Text color="warning">
              Archived: the model takes no new versions.
            </Text>
          )}
          {canUpdate && <ArchiveButton model={model} onChanged={retry} />}
        </Flex>
      </TitledCard>
      <TitledCard title="Links">
        <Links model={model} />
      </TitledCard>
      {cardVersion && pick ? (
        <ModelCardView version={cardVersion} reason={pick.reason} />
      ) : (
        <EmptyState
          missing="content"
          title="No versions yet"
          description={`The model card appears once a training job registers a version with POST /api/model-registry/models/${model.name}/versions.`}
        />
      )}
      <TitledCard title="Business KPIs">
        <Flex direction="column" gap="4">
          {kpis.length === 0 ? (
            <Text color="secondary">
              {canUpdate
                ? 'No KPIs recorded yet. Record the first one below.'
                : `No KPIs recorded. The model's owners record them here or with PUT /api/model-registry/models/${model.name}/kpis/{kpi}.`}
            </Text>
          ) : (
            <KpiTable kpis={kpis} />
          )}
          {canUpdate && <KpiForm model={model} onChanged={retry} />}
        </Flex>
      </TitledCard>
    </Grid.Root>
  );
};
