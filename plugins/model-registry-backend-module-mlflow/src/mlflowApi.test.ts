import { mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { databases, startBackend } from './__testUtils__/startBackend';
import { MlflowResponse, mlflowRest } from './__testUtils__/mlflowRest';
import { registryNameOf } from './names';

jest.setTimeout(120_000);

const native = '/api/model-registry';

describe.each(databases.eachSupportedId())(
  'MLflow model registry API (%s)',
  databaseId => {
    let server: Awaited<ReturnType<typeof startBackend>>['server'];
    let call: ReturnType<typeof mlflowRest>;

    beforeAll(async () => {
      ({ server } = await startBackend(databaseId));
      call = mlflowRest(server);
    });

    async function createModel(name: string, extra: object = {}) {
      const res = await call('POST', '/registered-models/create', {
        name,
        ...extra,
      });
      expect(res.status).toBe(200);
      return res.body.registered_model;
    }

    async function createVersion(name: string, extra: object = {}) {
      const res = await call('POST', '/model-versions/create', {
        name,
        source: 's3://models/fraud/1',
        ...extra,
      });
      expect(res.status).toBe(200);
      return res.body.model_version;
    }

    function expectMlflowError(
      res: MlflowResponse,
      status: number,
      errorCode: string,
      message?: string | RegExp,
    ) {
      expect({ status: res.status, error_code: res.body.error_code }).toEqual({
        status,
        error_code: errorCode,
      });
      expect(typeof res.body.message).toBe('string');
      if (message) expect(res.body.message).toMatch(message);
    }

    it('creates a model under its exact free-form name, shown by the registry under the mapped name', async () => {
      const model = await createModel('Fraud Detector', {
        description: 'Scores card payments',
        tags: [
          { key: 'team', value: 'payments' },
          { key: 'Owner Name', value: 'Ana' },
        ],
      });
      expect(model).toEqual({
        name: 'Fraud Detector',
        creation_timestamp: expect.any(Number),
        last_updated_timestamp: expect.any(Number),
        description: 'Scores card payments',
        tags: [
          { key: 'Owner Name', value: 'Ana' },
          { key: 'team', value: 'payments' },
        ],
      });

      const registryName = registryNameOf('Fraud Detector');
      expect(registryName).toMatch(/^fraud-detector-[0-9a-f]{10}$/);
      const shown = await request(server)
        .get(`${native}/models/${registryName}`)
        .expect(200);
      expect(shown.body).toMatchObject({
        name: registryName,
        owner: 'user:default/mock',
        description: 'Scores card payments',
        annotations: {
          'mlreg.io/mlflow-name': 'Fraud Detector',
          'mlflow.tag/team': 'payments',
          'mlflow.tag//4fwner/20/4eame': 'Ana',
        },
      });

      const got = await call('GET', '/registered-models/get', {
        name: 'Fraud Detector',
      });
      expect(got.status).toBe(200);
      expect(got.body.registered_model).toEqual(model);

      // A name that already is a registry name maps to itself.
      await createModel('churn-model');
      await request(server).get(`${native}/models/churn-model`).expect(200);
    });

    it('answers a duplicate name, a missing model and a missing name as MLflow does', async () => {
      await createModel('Duplicate Model');
      expectMlflowError(
        await call('POST', '/registered-models/create', {
          name: 'Duplicate Model',
        }),
        400,
        'RESOURCE_ALREADY_EXISTS',
        'Registered Model (name=Duplicate Model) already exists.',
      );
      for (const [method, endpoint, message] of [
        ['GET', '/registered-models/get', { name: 'No Such Model' }],
        ['PATCH', '/registered-models/update', { name: 'No Such Model' }],
        ['DELETE', '/registered-models/delete', { name: 'No Such Model' }],
        [
          'POST',
          '/model-versions/create',
          { name: 'No Such Model', source: 's3://b/k' },
        ],
        [
          'POST',
          '/registered-models/get-latest-versions',
          { name: 'No Such Model' },
        ],
      ] as const) {
        expectMlflowError(
          await call(method, endpoint, message),
          404,
          'RESOURCE_DOES_NOT_EXIST',
          'Registered Model with name=No Such Model not found',
        );
      }
      expectMlflowError(
        await call('GET', '/model-versions/get', {
          name: 'Duplicate Model',
          version: '7',
        }),
        404,
        'RESOURCE_DOES_NOT_EXIST',
        'Model Version (name=Duplicate Model, version=7) not found',
      );
      expectMlflowError(
        await call('POST', '/registered-models/create', {}),
        400,
        'INVALID_PARAMETER_VALUE',
        "Missing value for required parameter 'name'",
      );
      expectMlflowError(
        await call('GET', '/model-versions/get', {
          name: 'Duplicate Model',
          version: 'one',
        }),
        400,
        'INVALID_PARAMETER_VALUE',
        "Parameter 'version' must be an integer, got 'one'.",
      );
      expectMlflowError(
        await call('POST', '/registered-models/create', {
          name: 'Typed Tags',
          tags: 'team=payments',
        }),
        400,
        'INVALID_PARAMETER_VALUE',
        /parameter 'tags'/,
      );
    });

    it('registers, reads and updates versions with their source, run and tags', async () => {
      await createModel('Versioned Model');
      const v1 = await createVersion('Versioned Model', {
        source: 'runs:/0a1b2c3d/model',
        run_id: '0a1b2c3d',
        run_link: 'http://mlflow.example/#/runs/0a1b2c3d',
        description: 'baseline',
        tags: [{ key: 'framework', value: 'xgboost' }],
      });
      expect(v1).toEqual({
        name: 'Versioned Model',
        version: '1',
        creation_timestamp: expect.any(Number),
        last_updated_timestamp: expect.any(Number),
        user_id: 'user:default/mock',
        current_stage: 'None',
        description: 'baseline',
        source: 'runs:/0a1b2c3d/model',
        run_id: '0a1b2c3d',
        status: 'READY',
        tags: [{ key: 'framework', value: 'xgboost' }],
        run_link: 'http://mlflow.example/#/runs/0a1b2c3d',
      });
      const v2 = await createVersion('Versioned Model', {
        source: 'models:/m-0123456789abcdef',
        model_id: 'm-0123456789abcdef',
      });
      expect(v2).toMatchObject({
        version: '2',
        source: 'models:/m-0123456789abcdef',
        model_id: 'm-0123456789abcdef',
      });

      const got = await call('GET', '/model-versions/get', {
        name: 'Versioned Model',
        version: '1',
      });
      expect(got.body.model_version).toEqual(v1);

      const updated = await call('PATCH', '/model-versions/update', {
        name: 'Versioned Model',
        version: '1',
        description: 'the baseline',
      });
      expect(updated.status).toBe(200);
      expect(updated.body.model_version.description).toBe('the baseline');

      expect(
        (
          await call('POST', '/model-versions/set-tag', {
            name: 'Versioned Model',
            version: '1',
            key: 'validation status',
            value: 'passed',
          })
        ).body,
      ).toEqual({});
      expect(
        (
          await call('DELETE', '/model-versions/delete-tag', {
            name: 'Versioned Model',
            version: '1',
            key: 'framework',
          })
        ).status,
      ).toBe(200);
      const tagged = await call('GET', '/model-versions/get', {
        name: 'Versioned Model',
        version: '1',
      });
      expect(tagged.body.model_version.tags).toEqual([
        { key: 'validation status', value: 'passed' },
      ]);

      const uri = await call('GET', '/model-versions/get-download-uri', {
        name: 'Versioned Model',
        version: '1',
      });
      expect(uri.body).toEqual({ artifact_uri: 'runs:/0a1b2c3d/model' });

      expectMlflowError(
        await call('POST', '/model-versions/create', {
          name: 'Versioned Model',
          source: 'relative/path/model',
        }),
        400,
        'INVALID_PARAMETER_VALUE',
        /Invalid model version source/,
      );
      expectMlflowError(
        await call('POST', '/model-versions/create', {
          name: 'Versioned Model',
        }),
        400,
        'INVALID_PARAMETER_VALUE',
        "Missing value for required parameter 'source'",
      );

      // The registry's own API shows the version, its source as given.
      const shown = await request(server)
        .get(`${native}/models/${registryNameOf('Versioned Model')}/versions/1`)
        .expect(200);
      expect(shown.body).toMatchObject({
        status: 'READY',
        source: { runId: '0a1b2c3d' },
        artifact: { location: 'external', uri: 'runs:/0a1b2c3d/model' },
      });
    });

    it('sets and deletes registered model tags', async () => {
      await createModel('Tagged Model');
      await call('POST', '/registered-models/set-tag', {
        name: 'Tagged Model',
        key: 'mlflow.prompt.is_prompt',
        value: 'false',
      });
      await call('POST', '/registered-models/set-tag', {
        name: 'Tagged Model',
        key: 'team',
        value: 'risk',
      });
      await call('DELETE', '/registered-models/delete-tag', {
        name: 'Tagged Model',
        key: 'team',
      });
      const got = await call('GET', '/registered-models/get', {
        name: 'Tagged Model',
      });
      expect(got.body.registered_model.tags).toEqual([
        { key: 'mlflow.prompt.is_prompt', value: 'false' },
      ]);
      expectMlflowError(
        await call('POST', '/registered-models/set-tag', {
          name: 'Tagged Model',
          key: 'big',
          value: 'x'.repeat(5000),
        }),
        400,
        'INVALID_PARAMETER_VALUE',
        /too long/,
      );
    });

    it('transitions stages next to the staging and production aliases', async () => {
      await createModel('Staged Model');
      await createVersion('Staged Model');
      await createVersion('Staged Model');
      const registryName = registryNameOf('Staged Model');

      const toProduction = await call(
        'POST',
        '/model-versions/transition-stage',
        {
          name: 'Staged Model',
          version: '1',
          stage: 'production',
          archive_existing_versions: false,
        },
      );
      expect(toProduction.status).toBe(200);
      expect(toProduction.body.model_version).toMatchObject({
        version: '1',
        current_stage: 'Production',
        aliases: ['production'],
      });

      await call('POST', '/model-versions/transition-stage', {
        name: 'Staged Model',
        version: '2',
        stage: 'Production',
        archive_existing_versions: true,
      });
      const v1 = await call('GET', '/model-versions/get', {
        name: 'Staged Model',
        version: '1',
      });
      expect(v1.body.model_version.current_stage).toBe('Archived');
      expect(v1.body.model_version.aliases).toBeUndefined();
      const aliases = await request(server)
        .get(`${native}/models/${registryName}/aliases`)
        .expect(200);
      expect(aliases.body.items).toEqual([
        expect.objectContaining({ alias: 'production', version: 2 }),
      ]);

      const latest = await call(
        'POST',
        '/registered-models/get-latest-versions',
        { name: 'Staged Model', stages: ['Production'] },
      );
      expect(latest.body.model_versions.map((v: any) => v.version)).toEqual([
        '2',
      ]);
      const all = await call('GET', '/registered-models/get-latest-versions', {
        name: 'Staged Model',
      });
      expect(
        all.body.model_versions.map((v: any) => [v.current_stage, v.version]),
      ).toEqual([
        ['Production', '2'],
        ['Archived', '1'],
      ]);
      const model = await call('GET', '/registered-models/get', {
        name: 'Staged Model',
      });
      expect(model.body.registered_model.latest_versions).toHaveLength(2);
      expect(model.body.registered_model.aliases).toEqual([
        { alias: 'production', version: '2' },
      ]);

      // Leaving Production drops the alias that followed the stage.
      await call('POST', '/model-versions/transition-stage', {
        name: 'Staged Model',
        version: '2',
        stage: 'None',
        archive_existing_versions: false,
      });
      const after = await request(server)
        .get(`${native}/models/${registryName}/aliases`)
        .expect(200);
      expect(after.body.items).toEqual([]);

      expectMlflowError(
        await call('POST', '/model-versions/transition-stage', {
          name: 'Staged Model',
          version: '2',
          stage: 'Shadow',
          archive_existing_versions: false,
        }),
        400,
        'INVALID_PARAMETER_VALUE',
        'Invalid Model Version stage: Shadow. Value must be one of None, Staging, Production, Archived.',
      );
      expectMlflowError(
        await call('POST', '/model-versions/transition-stage', {
          name: 'Staged Model',
          version: '2',
          stage: 'Archived',
          archive_existing_versions: true,
        }),
        400,
        'INVALID_PARAMETER_VALUE',
        /not an Active stage/,
      );
      expectMlflowError(
        await call('POST', '/model-versions/transition-stage', {
          name: 'Staged Model',
          version: '2',
          stage: 'Staging',
        }),
        400,
        'INVALID_PARAMETER_VALUE',
        "Missing value for required parameter 'archive_existing_versions'",
      );
      expectMlflowError(
        await call('POST', '/registered-models/get-latest-versions', {
          name: 'Staged Model',
          stages: ['Prod'],
        }),
        400,
        'INVALID_PARAMETER_VALUE',
        /Invalid Model Version stage: Prod/,
      );
    });

    it('sets, reads and deletes aliases', async () => {
      await createModel('Aliased Model');
      await createVersion('Aliased Model');
      expect(
        (
          await call('POST', '/registered-models/alias', {
            name: 'Aliased Model',
            alias: 'champion',
            version: '1',
          })
        ).body,
      ).toEqual({});
      const byAlias = await call('GET', '/registered-models/alias', {
        name: 'Aliased Model',
        alias: 'champion',
      });
      expect(byAlias.status).toBe(200);
      expect(byAlias.body.model_version).toMatchObject({
        name: 'Aliased Model',
        version: '1',
        aliases: ['champion'],
      });
      const model = await call('GET', '/registered-models/get', {
        name: 'Aliased Model',
      });
      expect(model.body.registered_model.aliases).toEqual([
        { alias: 'champion', version: '1' },
      ]);
      await call('DELETE', '/registered-models/alias', {
        name: 'Aliased Model',
        alias: 'champion',
      });
      expectMlflowError(
        await call('GET', '/registered-models/alias', {
          name: 'Aliased Model',
          alias: 'champion',
        }),
        404,
        'RESOURCE_DOES_NOT_EXIST',
        'Registered model alias champion not found.',
      );
      for (const alias of ['latest', 'V3']) {
        expectMlflowError(
          await call('POST', '/registered-models/alias', {
            name: 'Aliased Model',
            alias,
            version: '1',
          }),
          400,
          'INVALID_PARAMETER_VALUE',
          `'${alias}' alias name (case insensitive) is reserved.`,
        );
      }
      expectMlflowError(
        await call('POST', '/registered-models/alias', {
          name: 'Aliased Model',
          alias: 'bad alias',
          version: '1',
        }),
        400,
        'INVALID_PARAMETER_VALUE',
        /Invalid alias name/,
      );
      expectMlflowError(
        await call('POST', '/registered-models/alias', {
          name: 'Aliased Model',
          alias: 'champion',
          version: '9',
        }),
        404,
        'RESOURCE_DOES_NOT_EXIST',
        'Model Version (name=Aliased Model, version=9) not found',
      );
    });

    it('searches registered models with filters, order and page tokens', async () => {
      for (const [name, team] of [
        ['search A', 'risk'],
        ['search B', 'growth'],
        ['search C', 'risk'],
        ['Search D', 'risk'],
      ]) {
        await createModel(name, { tags: [{ key: 'team', value: team }] });
      }
      const first = await call('GET', '/registered-models/search', {
        filter: "name LIKE 'search %' AND tags.team = 'risk'",
        max_results: 1,
        order_by: ['name DESC'],
      });
      expect(first.status).toBe(200);
      expect(first.body.registered_models.map((m: any) => m.name)).toEqual([
        'search C',
      ]);
      // MLflow's token: base64 of Python's json.dumps({"offset": 1}).
      expect(first.body.next_page_token).toBe(
        Buffer.from('{"offset": 1}').toString('base64'),
      );
      const second = await call('GET', '/registered-models/search', {
        filter: "name LIKE 'search %' AND tags.team = 'risk'",
        max_results: 1,
        order_by: ['name DESC'],
        page_token: first.body.next_page_token,
      });
      expect(second.body.registered_models.map((m: any) => m.name)).toEqual([
        'search A',
      ]);
      expect(second.body.next_page_token).toBeUndefined();

      const insensitive = await call('GET', '/registered-models/search', {
        filter: "name ILIKE 'search _'",
      });
      expect(
        insensitive.body.registered_models.map((m: any) => m.name),
      ).toEqual(['Search D', 'search A', 'search B', 'search C']);

      const tagged = await call('GET', '/registered-models/search', {
        filter: "tags.`team` != 'risk' AND name LIKE 'search%'",
      });
      expect(tagged.body.registered_models.map((m: any) => m.name)).toEqual([
        'search B',
      ]);

      const none = await call('GET', '/registered-models/search', {
        filter: "name = 'nothing like this'",
      });
      expect(none.body).toEqual({});

      for (const [filter, message] of [
        ["name = 'a' OR name = 'b'", /only AND is supported/],
        ["nam = 'a'", /Invalid attribute key 'nam'/],
        ['name = a', /must be a string in single or double quotes/],
        ["name > 'a'", /invalid comparator '>'/],
        ["run_id IN ('a')", /Invalid attribute key 'run_id'/],
        ["name = 'unterminated", /unterminated ' quote/],
      ] as const) {
        expectMlflowError(
          await call('GET', '/registered-models/search', { filter }),
          400,
          'INVALID_PARAMETER_VALUE',
          message,
        );
      }
      expectMlflowError(
        await call('GET', '/registered-models/search', { page_token: 'abc' }),
        400,
        'INVALID_PARAMETER_VALUE',
        'Invalid page token, could not base64-decode',
      );
      expectMlflowError(
        await call('GET', '/registered-models/search', {
          page_token: Buffer.from('{"start": 3}').toString('base64'),
        }),
        400,
        'INVALID_PARAMETER_VALUE',
        /Invalid page token, parsed value/,
      );
      expectMlflowError(
        await call('GET', '/registered-models/search', { max_results: 1001 }),
        400,
        'INVALID_PARAMETER_VALUE',
        'Invalid value for max_results. It must be at most 1000, but got value 1001',
      );
      expectMlflowError(
        await call('GET', '/registered-models/search', {
          order_by: ['owner DESC'],
        }),
        400,
        'INVALID_PARAMETER_VALUE',
        /Invalid order by key 'owner'/,
      );
    });

    it('searches model versions by name, run_id, version_number and tags', async () => {
      await createModel('Searched Versions');
      for (const run of ['run-a', 'run-b', 'run-c']) {
        await createVersion('Searched Versions', {
          source: `runs:/${run}/model`,
          run_id: run,
          tags: [{ key: 'run', value: run }],
        });
      }
      const byName = await call('GET', '/model-versions/search', {
        filter: "name = 'Searched Versions'",
      });
      expect(byName.body.model_versions.map((v: any) => v.version)).toEqual([
        '3',
        '2',
        '1',
      ]);
      const byRun = await call('GET', '/model-versions/search', {
        filter: "run_id IN ('run-a', 'run-c')",
        order_by: ['version_number ASC'],
      });
      expect(
        byRun.body.model_versions.map((v: any) => [v.name, v.version]),
      ).toEqual([
        ['Searched Versions', '1'],
        ['Searched Versions', '3'],
      ]);
      const byNumber = await call('GET', '/model-versions/search', {
        filter:
          "name = 'Searched Versions' AND version_number >= 2 AND tags.run LIKE 'run-%' AND source_path LIKE 'runs:/%'",
        max_results: 1,
      });
      expect(byNumber.body.model_versions.map((v: any) => v.version)).toEqual([
        '3',
      ]);
      const next = await call('GET', '/model-versions/search', {
        filter:
          "name = 'Searched Versions' AND version_number >= 2 AND tags.run LIKE 'run-%' AND source_path LIKE 'runs:/%'",
        max_results: 1,
        page_token: byNumber.body.next_page_token,
      });
      expect(next.body.model_versions.map((v: any) => v.version)).toEqual([
        '2',
      ]);
      expectMlflowError(
        await call('GET', '/model-versions/search', {
          filter: "version_number = 'two'",
        }),
        400,
        'INVALID_PARAMETER_VALUE',
        /version_number must be compared with an integer/,
      );
      expectMlflowError(
        await call('GET', '/model-versions/search', {
          filter: "name IN ('a')",
        }),
        400,
        'INVALID_PARAMETER_VALUE',
        /IN comparator is only allowed for run_id/,
      );
    });

    it('renames a model, its history following it, and frees the old name', async () => {
      await createModel('Old Name');
      await createVersion('Old Name');
      const renamed = await call('POST', '/registered-models/rename', {
        name: 'Old Name',
        new_name: 'New Name (v2)',
      });
      expect(renamed.status).toBe(200);
      expect(renamed.body.registered_model).toMatchObject({
        name: 'New Name (v2)',
        latest_versions: [expect.objectContaining({ name: 'New Name (v2)' })],
      });
      expectMlflowError(
        await call('GET', '/registered-models/get', { name: 'Old Name' }),
        404,
        'RESOURCE_DOES_NOT_EXIST',
      );
      const v1 = await call('GET', '/model-versions/get', {
        name: 'New Name (v2)',
        version: '1',
      });
      expect(v1.body.model_version.name).toBe('New Name (v2)');
      const audit = await request(server)
        .get(`${native}/models/${registryNameOf('New Name (v2)')}/audit`)
        .expect(200);
      expect(audit.body.items.map((r: any) => r.action)).toEqual(
        expect.arrayContaining([
          'model.create',
          'version.register',
          'model.rename',
        ]),
      );
      await createModel('Old Name');
      await createModel('Taken Name');
      expectMlflowError(
        await call('POST', '/registered-models/rename', {
          name: 'Old Name',
          new_name: 'Taken Name',
        }),
        400,
        'RESOURCE_ALREADY_EXISTS',
        'Registered Model (name=Taken Name) already exists.',
      );
    });

    it('deletes versions and models; a deleted name can be registered again', async () => {
      await createModel('Deleted Model');
      await createVersion('Deleted Model');
      await createVersion('Deleted Model');
      await call('POST', '/registered-models/alias', {
        name: 'Deleted Model',
        alias: 'champion',
        version: '2',
      });
      expect(
        (
          await call('DELETE', '/model-versions/delete', {
            name: 'Deleted Model',
            version: '2',
          })
        ).body,
      ).toEqual({});
      expectMlflowError(
        await call('GET', '/model-versions/get', {
          name: 'Deleted Model',
          version: '2',
        }),
        404,
        'RESOURCE_DOES_NOT_EXIST',
      );
      const model = await call('GET', '/registered-models/get', {
        name: 'Deleted Model',
      });
      expect(model.body.registered_model.aliases).toBeUndefined();
      // Numbers are never reused.
      expect((await createVersion('Deleted Model')).version).toBe('3');

      expect(
        (
          await call('DELETE', '/registered-models/delete', {
            name: 'Deleted Model',
          })
        ).body,
      ).toEqual({});
      expectMlflowError(
        await call('GET', '/registered-models/get', { name: 'Deleted Model' }),
        404,
        'RESOURCE_DOES_NOT_EXIST',
      );
      const again = await createModel('Deleted Model');
      expect(again.name).toBe('Deleted Model');
      // The registry keeps the deleted one, archived, with its versions.
      const archived = await request(server)
        .get(`${native}/models?archived=only&search=deleted-model`)
        .expect(200);
      expect(archived.body.items).toEqual([
        expect.objectContaining({
          latestVersion: 3,
          annotations: expect.objectContaining({
            'mlreg.io/mlflow-deleted': 'true',
          }),
        }),
      ]);

      // A model without versions goes for good.
      await createModel('Empty Model');
      await call('DELETE', '/registered-models/delete', {
        name: 'Empty Model',
      });
      await request(server)
        .get(`${native}/models/${registryNameOf('Empty Model')}`)
        .expect(404);
    });

    it('serves the preview prefix, the GET form of get-latest-versions and MLflow errors for unknown routes', async () => {
      await createModel('Preview Model');
      const preview = mlflowRest(server, { prefix: '/api/2.0/preview/mlflow' });
      const got = await preview('GET', '/registered-models/get', {
        name: 'Preview Model',
      });
      expect(got.status).toBe(200);
      expect(got.body.registered_model.name).toBe('Preview Model');
      const latest = await preview(
        'GET',
        '/registered-models/get-latest-versions',
        { name: 'Preview Model', stages: ['None', 'Staging'] },
      );
      expect(latest.status).toBe(200);
      expect(latest.body).toEqual({});

      expectMlflowError(
        await call('GET', '/registered-models/list'),
        404,
        'ENDPOINT_NOT_FOUND',
      );
      expectMlflowError(
        await call('POST', '/registered-models/get', { name: 'Preview Model' }),
        400,
        'BAD_REQUEST',
        /Method POST is not allowed/,
      );
      const malformed = await request(server)
        .post(
          '/api/model-registry/mlflow/api/2.0/mlflow/registered-models/create',
        )
        .set('Content-Type', 'application/json')
        .send('{"name": ');
      expectMlflowError(malformed, 400, 'INVALID_PARAMETER_VALUE', /Malformed/);
    });

    it('answers a bad token with UNAUTHENTICATED', async () => {
      const anonymous = mlflowRest(server, { token: 'not-a-token' });
      expectMlflowError(
        await anonymous('GET', '/registered-models/search'),
        401,
        'UNAUTHENTICATED',
      );
    });

    it('writes the audit trail as the registry API does', async () => {
      await createModel('Audited Model');
      await createVersion('Audited Model');
      await call('POST', '/model-versions/transition-stage', {
        name: 'Audited Model',
        version: '1',
        stage: 'Staging',
        archive_existing_versions: false,
      });
      const audit = await request(server)
        .get(`${native}/models/${registryNameOf('Audited Model')}/audit`)
        .expect(200);
      expect(audit.body.items.map((r: any) => [r.action, r.actor])).toEqual(
        expect.arrayContaining([
          ['model.create', 'user:default/mock'],
          ['version.register', 'user:default/mock'],
          ['alias.set', 'user:default/mock'],
          ['version.update', 'user:default/mock'],
        ]),
      );
    });
  },
);

describe('MLflow model registry API permissions', () => {
  it('answers a caller the registry denies with PERMISSION_DENIED', async () => {
    const { server } = await startBackend('SQLITE_3', {
      features: [
        mockServices.permissions.factory({ result: AuthorizeResult.DENY }),
      ],
    });
    const call = mlflowRest(server);
    const res = await call('POST', '/registered-models/create', {
      name: 'Forbidden Model',
    });
    expect(res.status).toBe(403);
    expect(res.body.error_code).toBe('PERMISSION_DENIED');
  });
});
