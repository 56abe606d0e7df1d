import { coreExtensionData } from '@backstage/frontend-plugin-api';
import { createExtensionTester } from '@backstage/frontend-test-utils';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import {
  modelDeploymentsContent,
  modelDriftContent,
  modelHistoryContent,
  modelLineageContent,
  modelOverviewContent,
  modelVersionsContent,
} from './plugin';
import { modelEntity } from './components/__testUtils__';

// The tabs differ only in their names, which these checks do not read.
const tabs = [
  ['/model-overview', 'Model', modelOverviewContent],
  ['/versions', 'Versions', modelVersionsContent],
  ['/lineage', 'Lineage', modelLineageContent],
  ['/drift', 'Drift', modelDriftContent],
  ['/deployments', 'Deployments', modelDeploymentsContent],
  ['/history', 'History', modelHistoryContent],
] as [string, string, typeof modelOverviewContent][];

describe('Model entity tabs', () => {
  it.each(tabs)(
    'mounts %s (%s) on Model entities only',
    (path, title, extension) => {
      const tester = createExtensionTester(extension);
      expect(tester.get(coreExtensionData.routePath)).toBe(path);
      expect(tester.get(EntityContentBlueprint.dataRefs.title)).toBe(title);
      const appliesTo = tester.get(
        EntityContentBlueprint.dataRefs.filterFunction,
      );
      expect(appliesTo?.(modelEntity)).toBe(true);
      expect(appliesTo?.({ ...modelEntity, kind: 'Component' })).toBe(false);
    },
  );
});
