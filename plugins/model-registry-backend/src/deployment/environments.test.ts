import { ConfigReader } from '@backstage/config';
import { readDeploymentSettings } from './environments';

const read = (environments: any, deployments?: any) =>
  readDeploymentSettings(
    new ConfigReader({ modelRegistry: { environments, deployments } }),
  );

const staging = {
  name: 'staging',
  alias: 'staging',
  targetKind: 'kserve',
  cluster: 'local',
  namespace: 'models',
};

describe('readDeploymentSettings', () => {
  it('reads environments with defaults and passes target settings through', () => {
    const settings = read([
      {
        ...staging,
        canaryTrafficPercent: 10,
        bakeTime: '2m',
        guardrails: [
          {
            name: 'errors',
            source: 'prometheus',
            query: 'rate(x[1m])',
            successCondition: 'result < 0.05',
            interval: { seconds: 10 },
            count: 3,
          },
        ],
      },
      { name: 'ci', mode: 'cicd', cicd: { provider: 'github' } },
    ]);
    const [env, ci] = settings.environments;
    expect(env).toMatchObject({
      name: 'staging',
      alias: 'staging',
      mode: 'kubernetes',
      bakeTimeMs: 120_000,
      rolloutTimeoutMs: 600_000,
      autoRollback: true,
      onMetricsUnavailable: 'abort',
      target: {
        name: 'staging',
        cluster: 'local',
        namespace: 'models',
        targetKind: 'kserve',
        options: { canaryTrafficPercent: 10 },
      },
    });
    expect(env.guardrails[0]).toMatchObject({
      intervalMs: 10_000,
      count: 3,
      failureLimit: 0,
      consecutiveErrorLimit: 4,
    });
    expect(ci.target).toMatchObject({
      targetKind: 'cicd',
      cluster: 'github',
      namespace: 'ci',
    });
    expect(settings).toMatchObject({ pollIntervalMs: 2000, maxAttempts: 5 });
  });

  it('keeps an inline cluster for the target', () => {
    const [env] = read([
      {
        ...staging,
        cluster: { name: 'kind', url: 'https://127.0.0.1:6443', token: 't' },
      },
    ]).environments;
    expect(env.target.cluster).toBe('kind');
    expect(env.target.options?.cluster).toEqual({
      name: 'kind',
      url: 'https://127.0.0.1:6443',
      token: 't',
    });
  });

  it.each([
    [
      [{ ...staging, name: 'Staging' }],
      'environments[0]: name "Staging" is not a DNS label',
    ],
    [[staging, staging], '"staging" is defined twice'],
    [[{ ...staging, alias: 'Prod!' }], 'environments[0]: alias'],
    [[{ ...staging, mode: 'helm' }], 'mode must be "kubernetes" or "cicd"'],
    [[{ ...staging, cluster: undefined }], 'cluster is required'],
    [[{ ...staging, namespace: 'a_b' }], 'namespace "a_b" is not a DNS label'],
    [
      [{ ...staging, onMetricsUnavailable: 'ignore' }],
      'onMetricsUnavailable must be',
    ],
    [[{ ...staging, bakeTime: 'soon' }], 'environments[0]'],
    [
      [{ ...staging, guardrails: [{ name: 'g', source: 'p', query: 'q' }] }],
      'guardrails[0]: needs a successCondition',
    ],
    [
      [
        {
          ...staging,
          guardrails: [
            {
              name: 'g',
              source: 'p',
              query: 'q',
              successCondition: 'result <',
            },
          ],
        },
      ],
      'guardrails[0]: successCondition "result <"',
    ],
    [
      [
        {
          ...staging,
          guardrails: [
            {
              name: 'g',
              source: 'p',
              query: 'q',
              successCondition: 'result < 1',
              count: 0,
            },
          ],
        },
      ],
      'count must be an integer of at least 1',
    ],
    [
      [
        {
          ...staging,
          guardrails: [
            {
              name: 'g',
              source: 'p',
              query: 'q',
              successCondition: 'result < 1',
              interval: '10ms',
            },
          ],
        },
      ],
      'interval must be at least 100ms',
    ],
  ])('refuses %j at startup', (environments, message) => {
    expect(() => read(environments)).toThrow(message);
  });

  it('refuses bad deployment settings', () => {
    expect(() => read([], { pollInterval: { milliseconds: 10 } })).toThrow(
      'modelRegistry.deployments.pollInterval: at least 200ms',
    );
    expect(() => read([], { maxAttempts: 0 })).toThrow(
      'modelRegistry.deployments.maxAttempts',
    );
  });
});
