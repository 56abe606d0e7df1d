import { useAppSearchParams } from '@backstage/frontend-plugin-api';
import { Button, Flex } from '@backstage/ui';
import { useModelName } from '../shared';
import { parseCompareParam } from './compareParam';
import { VersionComparison } from './VersionComparison';
import { VersionsTable } from './VersionsTable';

/**
 * The Versions tab. The compared versions live in `?compare=1,3`, so a
 * comparison can be shared as a link.
 */
export const ModelVersionsContent = () => {
  const modelName = useModelName();
  const [searchParams, setSearchParams] = useAppSearchParams();
  const compared = parseCompareParam(searchParams.get('compare'));

  if (compared.length >= 2) {
    return (
      <Flex direction="column" gap="4">
        <Flex>
          <Button variant="secondary" onPress={() => setSearchParams({})}>
            Back to all versions
          </Button>
        </Flex>
        <VersionComparison modelName={modelName} versions={compared} />
      </Flex>
    );
  }
  return (
    <VersionsTable
      modelName={modelName}
      initialSelection={compared}
      onCompare={versions => setSearchParams({ compare: versions.join(',') })}
    />
  );
};
