export interface Config {
  /** Configuration of the Model Registry plugin suite. */
  modelRegistry?: {
    /** Where model artifacts are stored. */
    storage?: {
      /**
       * The artifact store. Only `filesystem` is available so far.
       * @default filesystem
       */
      type?: 'filesystem';
      filesystem?: {
        /**
         * Directory of the artifacts. Relative paths resolve against the
         * backend's working directory. Created at startup if missing.
         * @default model-registry-artifacts
         */
        rootDir?: string;
      };
    };
  };
}
