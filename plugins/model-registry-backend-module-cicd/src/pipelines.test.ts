import { ConfigReader } from '@backstage/config';
import { FakeCiServer } from './__testUtils__/FakeCiServer';
import { createPipeline } from './pipelines';

describe('pipelines', () => {
  const ci = new FakeCiServer();
  beforeAll(() => ci.start());
  afterAll(() => ci.stop());
  beforeEach(() => {
    ci.requests.length = 0;
  });

  const parameters = {
    model: 'fraud',
    version: 3,
    artifactUri: 's3://models/fraud/3',
    environment: 'production',
    deploymentId: 'd-1',
    callbackUrl:
      'http://portal/api/model-registry/models/fraud/deployments/d-1/status',
  };
  const pipeline = (config: object) =>
    createPipeline(new ConfigReader(config), 2000);

  it('dispatches a GitHub Actions workflow with the model, version, artifact and environment', async () => {
    const run = await pipeline({
      provider: 'github',
      baseUrl: ci.url,
      owner: 'ml',
      repo: 'deploy',
      workflow: 'deploy.yml',
      token: 'gh-token',
    }).trigger(parameters);
    expect(run.url).toContain('/ml/deploy/actions/workflows/deploy.yml');
    const [req] = ci.requests;
    expect(req.path).toBe(
      '/repos/ml/deploy/actions/workflows/deploy.yml/dispatches',
    );
    expect(JSON.parse(req.body)).toEqual({
      ref: 'main',
      inputs: {
        model: 'fraud',
        version: '3',
        artifact_uri: 's3://models/fraud/3',
        environment: 'production',
        deployment_id: 'd-1',
        callback_url: parameters.callbackUrl,
      },
    });
  });

  it('triggers a GitLab pipeline with variables', async () => {
    const run = await pipeline({
      provider: 'gitlab',
      baseUrl: ci.url,
      projectId: 'ml/deploy',
      ref: 'release',
      triggerToken: 'gl-trigger',
    }).trigger(parameters);
    expect(run).toEqual({
      id: '4711',
      url: `${ci.url}/ml/deploy/-/pipelines/4711`,
    });
    const [req] = ci.requests;
    expect(req.path).toBe('/api/v4/projects/ml%2Fdeploy/trigger/pipeline');
    const form = new URLSearchParams(req.body);
    expect(form.get('ref')).toBe('release');
    expect(form.get('variables[MODEL]')).toBe('fraud');
    expect(form.get('variables[VERSION]')).toBe('3');
    expect(form.get('variables[ARTIFACT_URI]')).toBe('s3://models/fraud/3');
    expect(form.get('variables[ENVIRONMENT]')).toBe('production');
    expect(form.get('variables[CALLBACK_URL]')).toBe(parameters.callbackUrl);
  });

  it('builds a Jenkins job with parameters, sending the crumb with its session cookie', async () => {
    const run = await pipeline({
      provider: 'jenkins',
      baseUrl: ci.url,
      job: 'ml/deploy-model',
      username: 'deployer',
      apiToken: 'jk-token',
    }).trigger(parameters);
    expect(run).toEqual({ id: '101', url: `${ci.url}/queue/item/101/` });
    expect(ci.requests.map(r => `${r.method} ${r.path}`)).toEqual([
      'GET /crumbIssuer/api/json',
      'POST /job/ml/job/deploy-model/buildWithParameters',
    ]);
    const form = new URLSearchParams(ci.requests[1].body);
    expect(Object.fromEntries(form)).toMatchObject({
      MODEL: 'fraud',
      VERSION: '3',
      ARTIFACT_URI: 's3://models/fraud/3',
      ENVIRONMENT: 'production',
    });
  });

  it('says which failures a retry can fix', async () => {
    const github = pipeline({
      provider: 'github',
      baseUrl: ci.url,
      owner: 'ml',
      repo: 'deploy',
      workflow: 'deploy.yml',
      token: 'gh-token',
    });
    ci.failNext(422);
    await expect(github.trigger(parameters)).rejects.toMatchObject({
      retryable: false,
      status: 422,
    });
    ci.failNext(502);
    await expect(github.trigger(parameters)).rejects.toMatchObject({
      retryable: true,
      status: 502,
    });
    await expect(
      pipeline({
        provider: 'github',
        baseUrl: ci.url,
        owner: 'ml',
        repo: 'deploy',
        workflow: 'deploy.yml',
        token: 'wrong',
      }).trigger(parameters),
    ).rejects.toMatchObject({ retryable: false, status: 401 });
    await expect(
      pipeline({
        provider: 'jenkins',
        baseUrl: 'http://127.0.0.1:1',
        job: 'x',
        username: 'u',
        apiToken: 't',
      }).trigger(parameters),
    ).rejects.toMatchObject({ retryable: true });
  });

  it.each([
    [
      { provider: 'circleci' },
      'cicd.provider must be github, gitlab or jenkins',
    ],
    [
      { provider: 'github', owner: 'o', repo: 'r', workflow: 'w' },
      "Missing required config value at 'token'",
    ],
    [
      { provider: 'jenkins', job: 'j', username: 'u', apiToken: 't' },
      'cicd.baseUrl is required',
    ],
    [
      {
        provider: 'gitlab',
        baseUrl: 'ftp://x',
        projectId: 1,
        triggerToken: 't',
      },
      'is not an http(s) URL',
    ],
  ])('refuses %j', (config, message) => {
    expect(() => pipeline(config)).toThrow(message);
  });
});
