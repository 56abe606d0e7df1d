import { Progress } from '@backstage/core-components';
import {
  discoveryApiRef,
  fetchApiRef,
  useApi,
} from '@backstage/frontend-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  Alert,
  Button,
  Dialog,
  DialogBody,
  DialogFooter,
  DialogHeader,
  Flex,
  Text,
} from '@backstage/ui';
import {
  aliasSetPermission,
  ModelVersion,
  versionCreatePermission,
} from '@mlreg/plugin-model-registry-common';
import { Fragment, ReactNode, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { downloadArtifact, modelRegistryApiRef } from '../../api';
import {
  describeError,
  formatTimestamp,
  formatValue,
  MODEL_CARD_FIELDS,
  RegistryErrorPanel,
  useModelPermission,
} from '../shared';
import { EditVersionForm, SetAliasForm } from './VersionActions';

const Section = ({
  title,
  empty,
  children,
}: {
  title: string;
  empty?: string;
  children?: ReactNode;
}) => (
  <Flex direction="column" gap="1">
    <Text as="h4" variant="title-x-small">
      {title}
    </Text>
    {children ?? <Text color="secondary">{empty}</Text>}
  </Flex>
);

/** `key: value` lines, one per entry, the values aligned in a column. */
const Pairs = ({ pairs }: { pairs: [string, ReactNode][] }) => (
  <dl
    style={{
      display: 'grid',
      gridTemplateColumns: 'minmax(8rem, max-content) 1fr',
      columnGap: '1.5rem',
      rowGap: '0.25rem',
      margin: 0,
    }}
  >
    {pairs.map(([key, value]) => (
      <Fragment key={key}>
        <dt>
          <Text color="secondary">{key}</Text>
        </dt>
        <dd style={{ margin: 0, overflowWrap: 'anywhere' }}>
          <Text>{value}</Text>
        </dd>
      </Fragment>
    ))}
  </dl>
);

function formatBytes(size?: number): string {
  if (size === undefined) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = size;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

const ArtifactSection = ({ version }: { version: ModelVersion }) => {
  const api = useApi(modelRegistryApiRef);
  const discoveryApi = useApi(discoveryApiRef);
  const fetchApi = useApi(fetchApiRef);
  const [error, setError] = useState<Error>();
  const { artifact } = version;
  if (!artifact) {
    return <Section title="Artifact" empty="No artifact registered." />;
  }
  const download = async () => {
    setError(undefined);
    try {
      const url = await api.getArtifactUrl(version.model, version.version);
      await downloadArtifact({ discoveryApi, fetchApi }, url);
    } catch (e) {
      setError(e as Error);
    }
  };
  const stored = artifact.location === 'registry';
  return (
    <Section title="Artifact">
      <Pairs
        pairs={[
          ['Location', stored ? 'registry artifact store' : artifact.uri ?? ''],
          ['Format', artifact.format ?? '—'],
          ['Size', formatBytes(artifact.size)],
          ['sha256', artifact.sha256 ?? '—'],
        ]}
      />
      {stored && version.status === 'READY' && (
        <Flex>
          <Button variant="secondary" onPress={download}>
            Download artifact
          </Button>
        </Flex>
      )}
      {error && <Alert status="danger" title={describeError(error)} />}
    </Section>
  );
};

/** Saves a version's CycloneDX 1.6 ML-BOM as a JSON file. */
const ExportBomButton = ({ version }: { version: ModelVersion }) => {
  const api = useApi(modelRegistryApiRef);
  const [error, setError] = useState<Error>();
  const exportBom = async () => {
    setError(undefined);
    try {
      const bom = await api.exportVersionCycloneDx(
        version.model,
        version.version,
      );
      const url = URL.createObjectURL(
        new Blob([JSON.stringify(bom, null, 2)], {
          type: 'application/vnd.cyclonedx+json',
        }),
      );
      const link = document.createElement('a');
      link.href = url;
      link.download = `${version.model}-v${version.version}.cdx.json`;
      link.click();
      URL.revokeObjectURL(url);
    } catch (e) {
      setError(e as Error);
    }
  };
  return (
    <Flex direction="column">
      <Flex>
        <Button variant="secondary" onPress={exportBom}>
          Export CycloneDX ML-BOM
        </Button>
      </Flex>
      {error && <Alert status="danger" title={describeError(error)} />}
    </Flex>
  );
};

const VersionDetails = ({
  version,
  onChanged,
}: {
  version: ModelVersion;
  onChanged: () => void;
}) => {
  const canSetAlias = useModelPermission(aliasSetPermission, version.model);
  const canEdit = useModelPermission(versionCreatePermission, version.model);
  const { commit, runId, uri } = version.source;
  const card = MODEL_CARD_FIELDS.filter(({ key }) => version.modelCard[key]);
  return (
    <Flex direction="column" gap="4">
      <Pairs
        pairs={[
          [
            'Status',
            version.failureReason
              ? `${version.status}: ${version.failureReason}`
              : version.status,
          ],
          ['Description', version.description || '—'],
          ['Aliases', version.aliases.join(', ') || '—'],
          ['Tags', version.tags.join(', ') || '—'],
          [
            'Created',
            `${formatTimestamp(version.createdAt)} by ${version.createdBy}`,
          ],
          [
            'Source',
            [commit && `commit ${commit}`, runId && `run ${runId}`, uri]
              .filter(Boolean)
              .join(', ') || '—',
          ],
          ...(version.parent
            ? ([
                [
                  'Parent',
                  `${version.parent.model} v${version.parent.version} (${version.parent.relation})`,
                ],
              ] as [string, ReactNode][])
            : []),
        ]}
      />
      <Section title="Parameters" empty="No parameters recorded.">
        {Object.keys(version.parameters).length > 0 && (
          <Pairs
            pairs={Object.entries(version.parameters).map(([k, v]) => [
              k,
              formatValue(v),
            ])}
          />
        )}
      </Section>
      <Section title="Metrics" empty="No metrics recorded.">
        {version.metrics.length > 0 && (
          <Pairs
            pairs={version.metrics.map(m => [
              [
                m.key,
                m.dataset && `on ${m.dataset}`,
                m.step !== undefined && `step ${m.step}`,
              ]
                .filter(Boolean)
                .join(' '),
              formatValue(m.value),
            ])}
          />
        )}
      </Section>
      <Section title="Datasets" empty="No datasets recorded.">
        {version.datasets.length > 0 && (
          <Pairs
            pairs={version.datasets.map((d, i) => [
              `${d.role} ${i + 1}`,
              <>
                {d.entityRef ? (
                  <EntityRefLink entityRef={d.entityRef} />
                ) : (
                  d.uri
                )}
                {d.digest ? ` (${d.digest})` : ''}
              </>,
            ])}
          />
        )}
      </Section>
      <ArtifactSection version={version} />
      <Section title="Model card" empty="Registered without a model card.">
        {card.length > 0 && (
          <Pairs
            pairs={card.map(({ key, label }) => [
              label,
              version.modelCard[key],
            ])}
          />
        )}
      </Section>
      <ExportBomButton version={version} />
      {canSetAlias && version.status === 'READY' && (
        <SetAliasForm version={version} onChanged={onChanged} />
      )}
      {canEdit && <EditVersionForm version={version} onChanged={onChanged} />}
    </Flex>
  );
};

/**
 * Everything about one version, with the actions the user may take on it.
 * `onChanged` lets the table behind it show the change.
 */
export const VersionDetailsDialog = ({
  modelName,
  version,
  onClose,
  onChanged,
}: {
  modelName: string;
  version: number;
  onClose: () => void;
  onChanged: () => void;
}) => {
  const api = useApi(modelRegistryApiRef);
  const { value, loading, error, retry } = useAsyncRetry(
    () => api.getVersion(modelName, version),
    [api, modelName, version],
  );
  const changed = () => {
    retry();
    onChanged();
  };
  let body;
  if (error) body = <RegistryErrorPanel error={error} modelName={modelName} />;
  else if (!value) body = <Progress />;
  else body = <VersionDetails version={value} onChanged={changed} />;
  return (
    <Dialog
      isOpen
      isDismissable
      onOpenChange={open => !open && onClose()}
      width={760}
    >
      <DialogHeader>
        {modelName} v{version}
        {loading && value ? ' (refreshing)' : ''}
      </DialogHeader>
      <DialogBody>{body}</DialogBody>
      <DialogFooter>
        <Button variant="secondary" onPress={onClose}>
          Close
        </Button>
      </DialogFooter>
    </Dialog>
  );
};
