import { createPermission } from '@backstage/plugin-permission-common';

/** Register, list and delete outgoing webhooks of registry events. */
export const webhookManagePermission = createPermission({
  name: 'model-registry.webhook.manage',
  attributes: { action: 'update' },
});
