export interface Config {
  modelRegistry?: {
    /** The MLflow model registry REST API (`/api/model-registry/mlflow`). */
    mlflow?: {
      /**
       * Owner (catalog entity ref, e.g. `group:default/ml-platform`) of the
       * models a service token creates through the MLflow API; a user's
       * models are owned by the user. Without it, a service token cannot
       * create models there.
       */
      defaultOwner?: string;
    };
  };
}
