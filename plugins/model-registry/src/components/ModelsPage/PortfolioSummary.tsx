import { useApi } from '@backstage/frontend-plugin-api';
import { Card, CardBody, Flex, Grid, Skeleton, Text } from '@backstage/ui';
import { PortfolioSummary as Summary } from '@mlreg/plugin-model-registry-common';
import useAsync from 'react-use/esm/useAsync';
import { modelRegistryApiRef } from '../../api';

const FIGURES: { key: keyof Summary; label: string; help: string }[] = [
  { key: 'models', label: 'Models', help: 'active models you may see' },
  {
    key: 'inProduction',
    label: 'In production',
    help: 'with a production alias',
  },
  {
    key: 'drifting',
    label: 'Drifting',
    help: 'newest drift report says drift',
  },
  {
    key: 'failedDeployments',
    label: 'Failed deployments',
    help: 'newest deployment failed',
  },
  {
    key: 'withoutOwner',
    label: 'Without owner',
    help: 'owner not in the catalog',
  },
  {
    key: 'withoutModelCard',
    label: 'Without model card',
    help: 'latest version has none',
  },
];

/** Where the portfolio stands, for the people who answer for it. */
export const PortfolioSummary = () => {
  const api = useApi(modelRegistryApiRef);
  const { value, error } = useAsync(() => api.getPortfolioSummary(), [api]);
  if (error) {
    return (
      <Text color="danger">
        The portfolio summary is unavailable: {error.message}
      </Text>
    );
  }
  return (
    <Grid.Root columns={{ initial: '2', md: '3', lg: '6' }} gap="3">
      {FIGURES.map(({ key, label, help }) => (
        <Card key={key} aria-label={label}>
          <CardBody>
            <Flex direction="column" gap="1">
              <Text variant="body-small" color="secondary">
                {label}
              </Text>
              {value ? (
                <Text
                  variant="title-medium"
                  weight="bold"
                  color={
                    value[key] > 0 && key !== 'models' && key !== 'inProduction'
                      ? 'warning'
                      : 'primary'
                  }
                >
                  {value[key]}
                </Text>
              ) : (
                <Skeleton width={48} height={28} />
              )}
              <Text variant="body-x-small" color="secondary">
                {help}
              </Text>
            </Flex>
          </CardBody>
        </Card>
      ))}
    </Grid.Root>
  );
};
