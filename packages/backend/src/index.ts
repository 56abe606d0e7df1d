/*
 * The example portal's backend: the standard portal plugins plus the Model
 * Registry suite. The four `@mlreg` lines at the end are all another portal
 * needs to add.
 */
import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));
backend.add(import('@backstage/plugin-proxy-backend'));

// auth, with guest sign-in for the embedded default
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));

// catalog
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));

// scaffolder
backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(import('@backstage/plugin-scaffolder-backend-module-github'));
backend.add(
  import('@backstage/plugin-scaffolder-backend-module-notifications'),
);

// permissions (allow-all until the Model Registry policy is installed)
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(
  import('@backstage/plugin-permission-backend-module-allow-all-policy'),
);

// search: PostgreSQL engine in production, in-memory Lunr on SQLite
backend.add(import('@backstage/plugin-search-backend'));
backend.add(import('@backstage/plugin-search-backend-module-pg'));
backend.add(import('@backstage/plugin-search-backend-module-catalog'));

backend.add(import('@backstage/plugin-kubernetes-backend'));
backend.add(import('@backstage/plugin-user-settings-backend'));
// events: carries the registry's changes to the catalog across replicas
backend.add(import('@backstage/plugin-events-backend'));
backend.add(import('@backstage/plugin-notifications-backend'));
backend.add(import('@backstage/plugin-signals-backend'));
backend.add(import('@backstage/plugin-mcp-actions-backend'));

// Model Registry: the registry, the Model kind and the entity provider, search
// by framework and tags, and the scaffolder actions
backend.add(import('@mlreg/plugin-model-registry-backend'));
backend.add(import('@mlreg/plugin-catalog-backend-module-model-registry'));
backend.add(import('@mlreg/plugin-search-backend-module-model-registry'));
backend.add(import('@mlreg/plugin-scaffolder-backend-module-model-registry'));
// optional: registry metrics for Prometheus, PromQL and Alertmanager alerts in
backend.add(import('@mlreg/plugin-model-registry-backend-module-prometheus'));
// Model Registry integrations: each is optional and installs on its own
backend.add(
  import('@mlreg/plugin-model-registry-backend-module-notifications'),
);
backend.add(import('@mlreg/plugin-model-registry-backend-module-slack'));
backend.add(import('@mlreg/plugin-model-registry-backend-module-webhooks'));
backend.add(import('@mlreg/plugin-model-registry-backend-module-github'));
backend.add(import('@mlreg/plugin-model-registry-backend-module-jira'));
// MLflow's model registry REST API under /api/model-registry/mlflow
backend.add(import('@mlreg/plugin-model-registry-backend-module-mlflow'));
// OpenLineage events at /api/model-registry/openlineage/api/v1/lineage
backend.add(import('@mlreg/plugin-model-registry-backend-module-openlineage'));
// Deployments: to Kubernetes (KServe or Deployments) and through CI/CD
// pipelines, for environments configured under modelRegistry.environments
backend.add(import('@mlreg/plugin-model-registry-backend-module-kubernetes'));
backend.add(import('@mlreg/plugin-model-registry-backend-module-cicd'));

// Example registry contents for the embedded default (modelRegistry.exampleData)
backend.add(import('./modules/exampleRegistryData'));

backend.start();
