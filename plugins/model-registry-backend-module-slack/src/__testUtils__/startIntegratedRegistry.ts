import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
// The chaos test and the benchmark run the real registry with the Slack and
// Jira modules; the modules themselves never import it.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import { modelRegistryPlugin } from '@mlreg/plugin-model-registry-backend';
import jiraModule from '@mlreg/plugin-model-registry-backend-module-jira';
import { Knex } from 'knex';
import request from 'supertest';
import slackModule from '../index';

/** The model the chaos test and the benchmark register versions of. */
export const MODEL = 'chaos';

/**
 * Starts the real registry with the Slack and Jira modules on `knex` (which
 * outlives the backend, so another one can take over), the real scheduler,
 * and a catalog where model `chaos` names `#ml-models` and Jira project MLR.
 */
export async function startIntegratedRegistry(options: {
  knex: Knex;
  artifactDir: string;
  slackApiUrl: string;
  jiraBaseUrl: string;
  retry?: {
    maxAttempts: number;
    baseDelay: { milliseconds: number };
    maxDelay: { seconds: number };
  };
}) {
  const backend = await startTestBackend({
    features: [
      modelRegistryPlugin,
      slackModule,
      jiraModule,
      mockServices.database.factory({ knex: options.knex }),
      schedulerServiceFactory,
      catalogServiceMock.factory({
        entities: [
          {
            apiVersion: 'mlreg.io/v1alpha1',
            kind: 'Model',
            metadata: {
              name: MODEL,
              namespace: 'default',
              annotations: {
                'slack.com/channel': '#ml-models',
                'jira/project-key': 'MLR',
              },
            },
            spec: { type: 'other', lifecycle: 'experimental', owner: 'ds' },
          },
        ],
      }),
      mockServices.rootConfig.factory({
        data: {
          app: { baseUrl: 'https://portal.example' },
          modelRegistry: {
            storage: { filesystem: { rootDir: options.artifactDir } },
            outbox: {
              leaseDuration: { seconds: 2 },
              ...(options.retry ? { retry: options.retry } : {}),
            },
            slack: { token: 'xoxb-test-token', apiUrl: options.slackApiUrl },
            jira: {
              baseUrl: options.jiraBaseUrl,
              apiVersion: 3,
              auth: { email: 'jira@example.com', token: 'api-token' },
            },
          },
        },
      }),
    ],
  });
  const api = request(backend.server);
  const auth = mockCredentials.user.header('user:default/ada');
  return {
    backend,
    /** Registers `count` versions of the model, in batches of 50. */
    async registerVersions(count: number, from = 0) {
      for (let i = from; i < from + count; i += 50) {
        const size = Math.min(50, from + count - i);
        await api
          .post('/api/model-registry/versions')
          .set('Authorization', auth)
          .send({
            items: Array.from({ length: size }, (_, j) => ({
              model: MODEL,
              version: {
                artifact: { uri: `https://models.example/${MODEL}/${i + j}` },
              },
            })),
          })
          .expect(201);
      }
    },
    async createModel() {
      await api
        .post('/api/model-registry/models')
        .set('Authorization', auth)
        .send({ name: MODEL, owner: 'group:default/ds' })
        .expect(201);
    },
    /** Deliveries per status of each subscriber, from `/subscribers`. */
    async subscribers(): Promise<
      Record<string, { pending: number; delivered: number; dead: number }>
    > {
      const { body } = await api
        .get('/api/model-registry/subscribers')
        .set('Authorization', auth)
        .expect(200);
      return Object.fromEntries(
        (body.items as Array<{ id: string; deliveries: any }>).map(s => [
          s.id,
          s.deliveries,
        ]),
      );
    },
  };
}
