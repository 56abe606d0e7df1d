import { Button, Flex } from '@backstage/ui';
import { useModelName, useQueryParams } from '../shared';
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
  const [searchParams, setParam] = useQueryParams();
  const compared = parseCompareParam(searchParams.get('compare'));
  const setCompare = (value: string | undefined) => setParam('compare', value);

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
