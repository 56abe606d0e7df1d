import { Config } from '@backstage/config';
import { promises as fs, constants as fsConstants } from 'node:fs';
import { resolve as resolvePath } from 'node:path';

/** Where artifacts live, read from `modelRegistry.storage`. */
export interface ArtifactStorageConfig {
  type: 'filesystem';
  /** Absolute directory of the filesystem store. */
  rootDir: string;
}

const DEFAULT_ROOT_DIR = 'model-registry-artifacts';

/**
 * Reads and checks `modelRegistry.storage`; a bad value stops the backend at
 * startup with a message that names the key.
 */
export function readStorageConfig(config: Config): ArtifactStorageConfig {
  const storage = config.getOptionalConfig('modelRegistry.storage');
  const type = storage?.getOptionalString('type') ?? 'filesystem';
  if (type !== 'filesystem') {
    throw new Error(
      `modelRegistry.storage.type must be "filesystem", got "${type}"`,
    );
  }
  const rootDir =
    storage?.getOptionalString('filesystem.rootDir') ?? DEFAULT_ROOT_DIR;
  if (rootDir.trim() === '') {
    throw new Error(
      'modelRegistry.storage.filesystem.rootDir must not be empty',
    );
  }
  // Relative paths are relative to the backend's working directory.
  return { type, rootDir: resolvePath(rootDir) };
}

/** Creates the artifact directory and proves it is writable. */
export async function prepareArtifactDirectory(
  storage: ArtifactStorageConfig,
): Promise<void> {
  try {
    await fs.mkdir(storage.rootDir, { recursive: true });
    await fs.access(storage.rootDir, fsConstants.W_OK);
  } catch (error) {
    throw new Error(
      `modelRegistry.storage.filesystem.rootDir "${storage.rootDir}" is not a writable directory: ${error}`,
    );
  }
}
