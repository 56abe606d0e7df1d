import { createPermission } from '@backstage/plugin-permission-common';

/** The permission resource type of a registry model. */
export const RESOURCE_TYPE_MODEL_REGISTRY_MODEL = 'model-registry-model';

/** See a model, its versions, aliases, lineage and history. */
export const modelReadPermission = createPermission({
  name: 'model-registry.model.read',
  attributes: { action: 'read' },
  resourceType: RESOURCE_TYPE_MODEL_REGISTRY_MODEL,
});

/** Register a new model. Not tied to a resource: the model does not exist yet. */
export const modelCreatePermission = createPermission({
  name: 'model-registry.model.create',
  attributes: { action: 'create' },
});

/** Change a model's description, owner, tags and links; archive and restore it. */
export const modelUpdatePermission = createPermission({
  name: 'model-registry.model.update',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_MODEL_REGISTRY_MODEL,
});

/** Delete an empty model for good. */
export const modelDeletePermission = createPermission({
  name: 'model-registry.model.delete',
  attributes: { action: 'delete' },
  resourceType: RESOURCE_TYPE_MODEL_REGISTRY_MODEL,
});

/** Register a version of a model and upload its artifact. */
export const versionCreatePermission = createPermission({
  name: 'model-registry.version.create',
  attributes: { action: 'create' },
  resourceType: RESOURCE_TYPE_MODEL_REGISTRY_MODEL,
});

/** Set, move or delete an alias of a model. */
export const aliasSetPermission = createPermission({
  name: 'model-registry.alias.set',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_MODEL_REGISTRY_MODEL,
});

/** Approve a promotion request of a model. */
export const promotionApprovePermission = createPermission({
  name: 'model-registry.promotion.approve',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_MODEL_REGISTRY_MODEL,
});

/** Deploy a version of a model to an environment. */
export const deploymentCreatePermission = createPermission({
  name: 'model-registry.deployment.create',
  attributes: { action: 'create' },
  resourceType: RESOURCE_TYPE_MODEL_REGISTRY_MODEL,
});

/** Roll a deployment of a model back to an earlier version. */
export const deploymentRollbackPermission = createPermission({
  name: 'model-registry.deployment.rollback',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_MODEL_REGISTRY_MODEL,
});

/** See the outbox's delivery log: which events reached which subscribers. */
export const deliveryReadPermission = createPermission({
  name: 'model-registry.delivery.read',
  attributes: { action: 'read' },
});

/** Replay outbox deliveries, e.g. a subscriber's dead ones after an outage. */
export const deliveryReplayPermission = createPermission({
  name: 'model-registry.delivery.replay',
  attributes: { action: 'update' },
});

/** Every permission of the Model Registry, for registration and policies. */
export const modelRegistryPermissions = [
  modelReadPermission,
  modelCreatePermission,
  modelUpdatePermission,
  modelDeletePermission,
  versionCreatePermission,
  aliasSetPermission,
  promotionApprovePermission,
  deploymentCreatePermission,
  deploymentRollbackPermission,
  deliveryReadPermission,
  deliveryReplayPermission,
];
