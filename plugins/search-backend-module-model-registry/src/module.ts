import { createBackendModule } from '@backstage/backend-plugin-api';
import { catalogCollatorExtensionPoint } from '@backstage/plugin-search-backend-module-catalog';
import { modelEntityTransformer } from './modelEntityTransformer';

/**
 * Makes the portal search find models by framework and tags. It sets the
 * catalog collator's entity transformer, of which there is one per portal:
 * leave it out if yours already sets one, and call `modelEntityTransformer`
 * from that one instead.
 */
export const searchModuleModelRegistry = createBackendModule({
  pluginId: 'search',
  moduleId: 'model-registry',
  register(reg) {
    reg.registerInit({
      deps: { collator: catalogCollatorExtensionPoint },
      async init({ collator }) {
        collator.setEntityTransformer(modelEntityTransformer);
      },
    });
  },
});
