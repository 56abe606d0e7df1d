/**
 * Signed outgoing webhooks of Model Registry events.
 *
 * @packageDocumentation
 */
export { modelRegistryModuleWebhooks as default } from './module';
export { webhookManagePermission } from './permissions';
export { verifyWebhookSignature } from './signature';
