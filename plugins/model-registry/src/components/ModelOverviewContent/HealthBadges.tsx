import { Flex, Text } from '@backstage/ui';
import { Model } from '@mlreg/plugin-model-registry-common';
import { formatTimestamp } from '../shared';

type Tone = 'success' | 'warning' | 'danger' | 'secondary';

const Badge = ({
  label,
  value,
  detail,
  tone,
}: {
  label: string;
  value: string;
  detail?: string;
  tone: Tone;
}) => (
  <Flex
    direction="column"
    gap="1"
    aria-label={`${label}: ${value}`}
    role="status"
  >
    <Text variant="body-small" color="secondary">
      {label}
    </Text>
    <Text weight="bold" color={tone}>
      {value}
    </Text>
    {detail && (
      <Text variant="body-x-small" color="secondary">
        {detail}
      </Text>
    )}
  </Flex>
);

/** How the model does in production: its drift verdict and last deployment. */
export const HealthBadges = ({ model }: { model: Model }) => {
  const { drift, lastDeployment } = model.health;
  let deploymentTone: Tone = 'secondary';
  if (lastDeployment?.status === 'succeeded') deploymentTone = 'success';
  else if (lastDeployment?.status === 'failed') deploymentTone = 'danger';
  else if (lastDeployment) deploymentTone = 'warning';
  return (
    <Flex gap="6">
      <Badge
        label="Deployment"
        tone={deploymentTone}
        value={
          lastDeployment
            ? `v${lastDeployment.version} in ${lastDeployment.environment}: ${lastDeployment.status}`
            : 'Never deployed'
        }
        detail={lastDeployment && formatTimestamp(lastDeployment.at)}
      />
      <Badge
        label="Drift"
        tone={
          (drift?.verdict === 'drift' && 'danger') ||
          (drift && 'success') ||
          'secondary'
        }
        value={
          (drift?.verdict === 'drift' && 'Drifting') ||
          (drift && 'Stable') ||
          'Not monitored'
        }
        detail={
          drift &&
          `v${drift.version}, window to ${formatTimestamp(drift.windowEnd)}`
        }
      />
    </Flex>
  );
};
