import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
// The module is tested inside the registry plugin it extends.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import modelRegistryPlugin from '@mlreg/plugin-model-registry-backend';
import { ModelRegistryClient } from '@mlreg/plugin-model-registry-common';
import { AddressInfo } from 'node:net';
import cicdModule from './index';
import { FakeCiServer } from './__testUtils__/FakeCiServer';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

describe.each(databases.eachSupportedId())(
  'deployments through a pipeline (%s)',
  databaseId => {
    const ci = new FakeCiServer();
    beforeAll(() => ci.start());
    afterAll(() => ci.stop());

    it('starts the pipeline, follows its reports, and rolls a failed deployment back through the pipeline', async () => {
      const knex = await databases.init(databaseId);
      const { server } = await startTestBackend({
        features: [
          modelRegistryPlugin,
          cicdModule,
          mockServices.database.factory({ knex }),
          mockServices.scheduler.factory({ skipTaskRunOnStartup: true }),
          catalogServiceMock.factory({ entities: [] }),
          mockServices.rootConfig.factory({
            data: {
              modelRegistry: {
                storage: {
                  filesystem: { rootDir: '/tmp/mlreg-cicd-test-unused' },
                },
                api: { validateResponses: true },
                environments: [
                  {
                    name: 'production',
                    alias: 'production',
                    mode: 'cicd',
                    cicd: {
                      provider: 'github',
                      baseUrl: ci.url,
                      owner: 'ml',
                      repo: 'deploy',
                      workflow: 'deploy.yml',
                      token: 'gh-token',
                    },
                  },
                ],
              },
            },
          }),
        ],
      });
      const { port } = server.address() as AddressInfo;
      const client = new ModelRegistryClient({
        discoveryApi: {
          getBaseUrl: async () => `http://localhost:${port}/api/model-registry`,
        },
      });
      const o = { token: mockCredentials.user.token() };
      // the pipeline calls back with a service token
      const pipeline = { token: mockCredentials.service.token() };
      await client.createModel({ name: 'fraud', owner: 'group:default/ml' }, o);
      for (const v of [1, 2]) {
        await client.registerVersion(
          'fraud',
          { artifact: { uri: `s3://models/fraud/${v}`, format: 'sklearn' } },
          o,
        );
      }
      const dispatched = () =>
        ci.requests
          .filter(r => r.path.endsWith('/dispatches'))
          .map(r => JSON.parse(r.body).inputs);

      const first = await client.createDeployment(
        'fraud',
        { environment: 'production', version: 1 },
        o,
      );
      expect(first.status).toBe('progressing');
      expect(first.target).toEqual({
        cluster: 'github',
        namespace: 'production',
        kind: 'cicd',
      });
      expect(dispatched()).toEqual([
        expect.objectContaining({
          model: 'fraud',
          version: '1',
          artifact_uri: 's3://models/fraud/1',
          environment: 'production',
          deployment_id: first.id,
        }),
      ]);
      expect(dispatched()[0].callback_url).toMatch(
        new RegExp(
          `/api/model-registry/models/fraud/deployments/${first.id}/status$`,
        ),
      );

      const reported = await client.reportDeploymentStatus(
        'fraud',
        first.id,
        {
          status: 'succeeded',
          message: 'helm upgrade done',
          url: 'https://ci.example/run/1',
        },
        pipeline,
      );
      expect(reported).toMatchObject({
        status: 'succeeded',
        url: 'https://ci.example/run/1',
      });
      expect(reported.history.at(-1)!.message).toContain('helm upgrade done');
      await expect(
        client.reportDeploymentStatus(
          'fraud',
          first.id,
          { status: 'failed' },
          pipeline,
        ),
      ).rejects.toMatchObject({ response: { status: 409 } });

      // version 2 goes out and the alias follows it; the pipeline fails
      const second = await client.createDeployment(
        'fraud',
        { environment: 'production', version: 2 },
        o,
      );
      await client.setAlias('fraud', 'production', 2, o);
      expect(dispatched().at(-1)).toMatchObject({ version: '2' });
      await client.reportDeploymentStatus(
        'fraud',
        second.id,
        { status: 'failed', message: 'smoke test failed' },
        pipeline,
      );
      const items = (await client.listDeployments('fraud', {}, o)).items;
      expect(items.find(d => d.id === second.id)!.status).toBe('rolled-back');
      const rollback = items.find(d => d.rollbackOf === second.id)!;
      expect(rollback).toMatchObject({
        version: 1,
        trigger: 'auto-rollback',
        status: 'progressing',
      });
      // the pipeline runs again with the last good version
      expect(dispatched().at(-1)).toMatchObject({
        version: '1',
        artifact_uri: 's3://models/fraud/1',
        deployment_id: rollback.id,
      });
      expect(
        (await client.getVersionByAlias('fraud', 'production', o)).version,
      ).toBe(1);
      await client.reportDeploymentStatus(
        'fraud',
        rollback.id,
        { status: 'succeeded' },
        pipeline,
      );
      const environments = await client.listModelEnvironments('fraud', o);
      expect(environments).toEqual([
        expect.objectContaining({
          name: 'production',
          mode: 'cicd',
          targetKind: 'cicd',
          servingVersion: 1,
          aliasVersion: 1,
        }),
      ]);
      await server.close();
    });
  },
);
