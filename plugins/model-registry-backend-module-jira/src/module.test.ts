import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  createMockDirectory,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { startJiraTestServer } from '@mlreg/jira-client/testUtils';
// The test runs the real registry; the module itself never imports it.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import { modelRegistryPlugin } from '@mlreg/plugin-model-registry-backend';
import request from 'supertest';
import module from './index';

jest.setTimeout(60_000);

describe('Jira module', () => {
  it('opens a validate-and-deploy issue under the model epic for each registered version, readable per model', async () => {
    const jira = await startJiraTestServer();
    const { server } = await startTestBackend({
      features: [
        modelRegistryPlugin,
        module,
        schedulerServiceFactory,
        catalogServiceMock.factory({
          entities: [
            {
              apiVersion: 'backstage.io/v1alpha1',
              kind: 'Group',
              metadata: {
                name: 'risk',
                namespace: 'default',
                annotations: { 'jira/project-key': 'MLR' },
              },
              spec: { type: 'team', children: [] },
            },
          ],
        }),
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'https://portal.example' },
            modelRegistry: {
              storage: { filesystem: { rootDir: createMockDirectory().path } },
              jira: {
                baseUrl: jira.baseUrl,
                apiVersion: 3,
                auth: { email: 'jira@example.com', token: 'api-token' },
              },
            },
          },
        }),
      ],
    });
    const api = request(server);
    const auth = mockCredentials.user.header('user:default/ada');
    // Not in the catalog yet: owner and links come from the registry.
    await api
      .post('/api/model-registry/models')
      .set('Authorization', auth)
      .send({ name: 'fraud', owner: 'group:default/risk' })
      .expect(201);
    for (const v of [1, 2]) {
      await api
        .post('/api/model-registry/models/fraud/versions')
        .set('Authorization', auth)
        .send({ artifact: { uri: `https://models.example/fraud/${v}` } })
        .expect(201);
    }
    const until = Date.now() + 30_000;
    while (jira.issues.size < 3 && Date.now() < until) {
      await new Promise(resolve => setTimeout(resolve, 100));
    }
    expect(
      [...jira.issues.values()].map(i => [
        i.key,
        i.issueType,
        i.summary,
        i.parentKey,
      ]),
    ).toEqual([
      ['MLR-1', 'Epic', 'Model fraud', undefined],
      ['MLR-2', 'Task', 'Validate and deploy fraud v1', 'MLR-1'],
      ['MLR-3', 'Task', 'Validate and deploy fraud v2', 'MLR-1'],
    ]);
    const listed = await api
      .get('/api/model-registry/jira/issues?model=fraud')
      .set('Authorization', auth)
      .expect(200);
    expect(listed.body.items).toEqual([
      expect.objectContaining({
        kind: 'epic',
        key: 'MLR-1',
        url: `${jira.baseUrl}/browse/MLR-1`,
      }),
      expect.objectContaining({
        kind: 'version',
        version: 1,
        key: 'MLR-2',
        state: 'open',
      }),
      expect.objectContaining({ kind: 'version', version: 2, key: 'MLR-3' }),
    ]);
    await api
      .get('/api/model-registry/jira/issues')
      .set('Authorization', auth)
      .expect(400);
    await api
      .get('/api/model-registry/jira/issues?model=Bad_Name')
      .set('Authorization', auth)
      .expect(400);
    await api
      .get('/api/model-registry/jira/issues?model=a&model=b')
      .set('Authorization', auth)
      .expect(400);
    await api
      .get('/api/model-registry/jira/issues?model=fraud')
      .set('Authorization', mockCredentials.none.header())
      .expect(401);
    await jira.close();
  });
});
