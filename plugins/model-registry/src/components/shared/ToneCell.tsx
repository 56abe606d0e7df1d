import { Cell, Flex, Text, TextColorStatus } from '@backstage/ui';

/**
 * A table cell whose value is a state to notice at a glance (a rollout
 * status, a drift verdict), coloured by how good or bad it is.
 */
export const ToneCell = ({
  label,
  tone,
  description,
}: {
  label: string;
  tone: TextColorStatus;
  description?: string;
}) => (
  <Cell>
    <Flex direction="column" gap="1">
      <Text variant="body-medium" weight="bold" color={tone}>
        {label}
      </Text>
      {description && (
        <Text variant="body-small" color="secondary">
          {description}
        </Text>
      )}
    </Flex>
  </Cell>
);
