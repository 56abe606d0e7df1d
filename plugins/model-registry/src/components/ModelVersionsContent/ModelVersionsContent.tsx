import { useAppSearchParams } from '@backstage/frontend-plugin-api';
import { Button, Flex } from '@backstage/ui';
import { useModelName } from '../shared';
import { parseCompareParam } from './compareParam';
import { MetricTrendChart } from './MetricTrendChart';
import { VersionComparison } from './VersionComparison';
import { VersionsTable } from './VersionsTable';

/**
 * The Versions tab. The compared versions live in `?compare=1,3` and the
 * charted metric in `?metric=auc`, so both can be shared as a link.
 */
export const ModelVersionsContent = () => {
  const modelName = useModelName();
  const [searchParams, setSearchParams] = useAppSearchParams();
  const compared = parseCompareParam(searchParams.get('compare'));
  // Changes one parameter and keeps the others.
  const setCompare = (value: string | undefined) =>
    setSearchParams(previous => {
      const params = new URLSearchParams(previous);
      if (value) params.set('compare', value);
      else params.delete('compare');
      return params;
    });

  if (compared.length >= 2) {
    return (
      <Flex direction="column" gap="4">
        <Flex>
          <Button variant="secondary" onPress={() => setCompare(undefined)}>
            Back to all versions
          </Button>
        </Flex>
        <VersionComparison modelName={modelName} versions={compared} />
      </Flex>
    );
  }
  return (
    <Flex direction="column" gap="4">
      <MetricTrendChart modelName={modelName} />
      <VersionsTable
        modelName={modelName}
        initialSelection={compared}
        onCompare={versions => setCompare(versions.join(','))}
      />
    </Flex>
  );
};
