import { ConfigReader } from '@backstage/config';
import { ModelDeploymentEnvironment } from '@mlreg/plugin-model-registry-node';
import { ClusterConnections } from './clusters';
import { FakeKubernetesApi } from './__testUtils__/FakeKubernetesApi';
import { KubernetesDeploymentTarget } from './KubernetesDeploymentTarget';

describe('KubernetesDeploymentTarget', () => {
  const api = new FakeKubernetesApi();
  let clusters: ClusterConnections;
  const environment = (
    kind: string,
    options: Record<string, unknown> = {},
  ): ModelDeploymentEnvironment => ({
    name: 'staging',
    cluster: 'fake',
    namespace: 'models',
    targetKind: kind,
    options: { image: 'ghcr.io/example/model-server:1', ...options } as any,
  });
  const version = (v: number, format = 'sklearn') => ({
    model: 'fraud',
    version: v,
    artifact: { uri: `s3://models/fraud/${v}`, format },
  });

  beforeAll(async () => {
    const url = await api.start();
    clusters = new ClusterConnections(
      new ConfigReader({
        kubernetes: {
          clusterLocatorMethods: [
            {
              type: 'config',
              clusters: [
                {
                  name: 'fake',
                  url,
                  authProvider: 'serviceAccount',
                  serviceAccountToken: 'test-token',
                  // the fake API server speaks plain HTTP
                  skipTLSVerify: true,
                },
              ],
            },
          ],
        },
      }),
    );
  });
  afterAll(() => api.stop());

  it('applies a Deployment and a Service with server-side apply, labelled for Backstage, and follows the rollout through the watch', async () => {
    const target = new KubernetesDeploymentTarget('deployment', clusters, {
      watchMs: 2000,
      requestTimeoutMs: 2000,
    });
    api.behave('fraud', { type: 'rollout', delayMs: 500 });
    const applied = await target.deploy({
      deploymentId: 'd1',
      environment: environment('deployment', { replicas: 2 }),
      version: version(1),
    });
    expect(applied.replaced).toBeUndefined();
    expect(applied.applied.version).toBe(1);
    const patches = api.requests.filter(r => r.method === 'PATCH');
    expect(
      patches.map(p => [
        p.path,
        p.contentType,
        p.query.get('fieldManager'),
        p.query.get('force'),
      ]),
    ).toEqual([
      [
        '/apis/apps/v1/namespaces/models/deployments/fraud',
        'application/apply-patch+yaml',
        'mlreg-model-registry',
        'true',
      ],
      [
        '/api/v1/namespaces/models/services/fraud',
        'application/apply-patch+yaml',
        'mlreg-model-registry',
        'true',
      ],
    ]);
    const deployment = api.get('Deployment', 'models', 'fraud')!;
    expect(deployment.metadata.labels).toMatchObject({
      'app.kubernetes.io/name': 'fraud',
      'app.kubernetes.io/version': '1',
      'backstage.io/kubernetes-id': 'fraud',
      'mlreg.io/model': 'fraud',
      'mlreg.io/version': '1',
    });
    expect(deployment.spec.template.spec.containers[0]).toMatchObject({
      image: 'ghcr.io/example/model-server:1',
      env: expect.arrayContaining([
        { name: 'MODEL_URI', value: 's3://models/fraud/1' },
      ]),
    });
    const status = await target.getStatus({
      deploymentId: 'd1',
      environment: environment('deployment'),
      revision: applied.applied,
    });
    expect(status).toEqual({
      status: 'succeeded',
      message: '2 of 2 replicas available',
    });
    expect(api.requests.some(r => r.query.get('watch') === 'true')).toBe(true);
    expect(
      await target.listServed({ environment: environment('deployment') }),
    ).toEqual([{ model: 'fraud', version: 1 }]);
  });

  it('reports ProgressDeadlineExceeded as a failed rollout', async () => {
    const target = new KubernetesDeploymentTarget('deployment', clusters, {
      watchMs: 2000,
      requestTimeoutMs: 2000,
    });
    api.behave('fraud', { type: 'deadline', delayMs: 500 });
    const applied = await target.deploy({
      deploymentId: 'd2',
      environment: environment('deployment'),
      version: version(2),
    });
    expect(applied.replaced?.version).toBe(1);
    const status = await target.getStatus({
      deploymentId: 'd2',
      environment: environment('deployment'),
      revision: applied.applied,
    });
    expect(status.status).toBe('failed');
    expect(status.message).toContain('ProgressDeadlineExceeded');
  });

  it('deploys a KServe canary, promotes it, and rolls a canary back by resetting its traffic first', async () => {
    const target = new KubernetesDeploymentTarget('kserve', clusters, {
      watchMs: 2000,
      requestTimeoutMs: 2000,
    });
    api.behave('fraud', { type: 'ready', delayMs: 50 });
    const env = environment('kserve', {
      canaryTrafficPercent: 10,
      image: undefined,
    });
    const first = await target.deploy({
      deploymentId: 'k1',
      environment: env,
      version: version(1),
    });
    expect(first.canary).toBeUndefined();
    const isvc = api.get('InferenceService', 'models', 'fraud')!;
    expect(isvc.spec.predictor).toEqual({
      minReplicas: 1,
      model: {
        modelFormat: { name: 'sklearn' },
        storageUri: 's3://models/fraud/1',
      },
    });
    expect(
      await target.getStatus({
        deploymentId: 'k1',
        environment: env,
        revision: first.applied,
      }),
    ).toMatchObject({
      status: 'succeeded',
      url: 'http://fraud.models.example.com',
    });

    const second = await target.deploy({
      deploymentId: 'k2',
      environment: env,
      version: version(2),
      current: first.applied,
    });
    expect(second.canary).toEqual({ trafficPercent: 10 });
    expect(
      api.get('InferenceService', 'models', 'fraud')!.spec.predictor
        .canaryTrafficPercent,
    ).toBe(10);
    const promoted = await target.promote({
      deploymentId: 'k2',
      environment: env,
      revision: second.applied,
    });
    expect(
      api.get('InferenceService', 'models', 'fraud')!.spec.predictor
        .canaryTrafficPercent,
    ).toBeUndefined();
    expect(promoted.applied.version).toBe(2);

    const third = await target.deploy({
      deploymentId: 'k3',
      environment: env,
      version: version(3),
      current: promoted.applied,
    });
    api.requests.length = 0;
    await target.rollback({
      deploymentId: 'k4',
      environment: env,
      from: third.applied,
      to: promoted.applied,
    });
    const bodies = api.requests
      .filter(r => r.method === 'PATCH')
      .map(r => r.body!.spec.predictor);
    expect(bodies).toEqual([
      expect.objectContaining({
        canaryTrafficPercent: 0,
        model: expect.objectContaining({ storageUri: 's3://models/fraud/3' }),
      }),
      {
        minReplicas: 1,
        model: {
          modelFormat: { name: 'sklearn' },
          storageUri: 's3://models/fraud/2',
        },
      },
    ]);
  });

  it('refuses invalid manifests without calling the cluster, and classifies API errors', async () => {
    const target = new KubernetesDeploymentTarget('kserve', clusters, {
      watchMs: 0,
      requestTimeoutMs: 300,
    });
    const env = environment('kserve', { image: undefined });
    await expect(
      target.deploy({
        deploymentId: 'x',
        environment: env,
        version: {
          model: 'fraud',
          version: 9,
          artifact: { uri: '', format: 'sklearn' },
        },
      }),
    ).rejects.toMatchObject({
      retryable: false,
      message: expect.stringContaining(
        'InferenceService for fraud v9 is invalid',
      ),
    });

    const deployFive = () =>
      target.deploy({
        deploymentId: 'x',
        environment: env,
        version: version(5),
      });
    for (const [status, retryable] of [
      [403, false],
      [409, true],
      [503, true],
    ] as const) {
      api.fail('PATCH', /inferenceservices/, status);
      await expect(deployFive()).rejects.toMatchObject({ retryable, status });
    }
    api.fail('PATCH', /inferenceservices/, 0, 1, true);
    await expect(deployFive()).rejects.toMatchObject({
      retryable: true,
      message: expect.stringContaining(
        'no answer from the API server within 300ms',
      ),
    });
  });

  it('names what is wrong with an environment', () => {
    const target = new KubernetesDeploymentTarget('deployment', clusters, {
      watchMs: 0,
      requestTimeoutMs: 300,
    });
    expect(() =>
      target.checkEnvironment({
        ...environment('deployment'),
        cluster: 'nowhere',
      }),
    ).toThrow(
      'names cluster "nowhere", which is not among kubernetes.clusterLocatorMethods clusters',
    );
    expect(() =>
      target.checkEnvironment(environment('deployment', { image: undefined })),
    ).toThrow('image (the model server image) is required');
    expect(() =>
      target.checkEnvironment(
        environment('deployment', { canaryTrafficPercent: 10 }),
      ),
    ).toThrow('canaryTrafficPercent applies to targetKind "kserve" only');
    expect(() =>
      target.checkEnvironment({
        ...environment('deployment'),
        options: { image: 'i', cluster: { name: 'c' } },
      }),
    ).toThrow('needs one of inCluster: true, kubeconfig');
  });
});
