import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  describeInvalidModelName,
  modelReadPermission,
} from '@mlreg/plugin-model-registry-common';
import express from 'express';
import Router from 'express-promise-router';
import { JiraIssueStore } from './JiraIssueStore';

/**
 * `GET /jira/issues?model=<name>`: the Jira issues of a model (epic,
 * validate-and-deploy issues, incidents), for the UI. Needs
 * `model-registry.model.read` on the model.
 */
export function createJiraRouter(options: {
  store: JiraIssueStore;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
}): express.Router {
  const router = Router();
  router.get('/jira/issues', async (req, res) => {
    const credentials = await options.httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const model = req.query.model;
    const invalid =
      typeof model === 'string'
        ? describeInvalidModelName(model)
        : 'the query parameter model is required, once';
    if (invalid) throw new InputError(`Invalid query: ${invalid}`);
    const [decision] = await options.permissions.authorize(
      [{ permission: modelReadPermission, resourceRef: model as string }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `not allowed: ${modelReadPermission.name} is required`,
      );
    }
    const issues = await options.store.listByModel(model as string);
    res.json({
      items: issues.map(i => ({
        kind: i.kind,
        ...(i.kind === 'version' ? { version: Number(i.subject) } : {}),
        ...(i.kind === 'incident' ? { environment: i.subject } : {}),
        key: i.key,
        url: i.url,
        state: i.state,
        updatedAt: i.updatedAt,
      })),
    });
  });
  return router;
}
