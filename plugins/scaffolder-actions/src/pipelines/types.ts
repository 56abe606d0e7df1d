/** The CI systems a pipeline can be written for. */
export const PIPELINE_SYSTEMS = [
  'github-actions',
  'gitlab-ci',
  'jenkins',
] as const;

/** One of {@link PIPELINE_SYSTEMS}. */
export type PipelineSystem = (typeof PIPELINE_SYSTEMS)[number];

/** What every generated pipeline needs. */
export type PipelineSpec = {
  /** The model's name in the registry. */
  modelName: string;
  /** The registry API base URL, e.g. https://portal.acme.com/api/model-registry. */
  registryUrl: string;
  /** Python version of the training jobs. */
  pythonVersion: string;
  /** Alias (and environment) of the first deployment. */
  stagingAlias: string;
  /** Alias (and environment) reached only through the gate. */
  productionAlias: string;
  /** Branch whose pushes run the pipeline. */
  defaultBranch: string;
  /**
   * Name of the CI secret holding the registry token (GitHub secret, GitLab
   * CI/CD variable, Jenkins credentials id).
   */
  tokenSecret: string;
};

/** The commands of each stage, the same on every CI system. */
export const STAGE_COMMANDS = {
  install: 'python -m pip install -r requirements.txt',
  train: 'python -m model.train --out build',
  evaluate:
    'python -m model.evaluate --model build/model.joblib --out build/metrics.json',
  export:
    'python -m model.export --model build/model.joblib --out build/model.onnx --profile build/reference-profile.json',
  /** Prints `<outputName>=<n>`; the key makes a re-run return the same version. */
  register: (idempotencyKey: string, outputName = 'version') =>
    `python scripts/registry.py register --build build --idempotency-key "${idempotencyKey}" --output-name ${outputName}`,
  uploadProfile: (version: string) =>
    `python scripts/registry.py upload-profile --version "${version}" --profile build/reference-profile.json`,
  promote: (version: string, alias: string) =>
    `python scripts/registry.py promote --version "${version}" --alias ${alias}`,
};
