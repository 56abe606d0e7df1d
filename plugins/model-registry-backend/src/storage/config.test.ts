import { ConfigReader } from '@backstage/config';
import { createMockDirectory } from '@backstage/backend-test-utils';
import { prepareArtifactDirectory, readStorageConfig } from './config';

describe('readStorageConfig', () => {
  it('defaults to a filesystem store under the working directory', () => {
    const storage = readStorageConfig(new ConfigReader({}));
    expect(storage.type).toBe('filesystem');
    expect(storage.rootDir).toBe(`${process.cwd()}/model-registry-artifacts`);
  });

  it('names the key of a bad value', () => {
    expect(() =>
      readStorageConfig(
        new ConfigReader({ modelRegistry: { storage: { type: 'ftp' } } }),
      ),
    ).toThrow('modelRegistry.storage.type must be "filesystem", got "ftp"');
    expect(() =>
      readStorageConfig(
        new ConfigReader({
          modelRegistry: { storage: { filesystem: { rootDir: ' ' } } },
        }),
      ),
    ).toThrow('modelRegistry.storage.filesystem.rootDir must not be empty');
  });
});

describe('prepareArtifactDirectory', () => {
  const dir = createMockDirectory();

  it('creates the directory', async () => {
    const rootDir = dir.resolve('a/b/c');
    await prepareArtifactDirectory({ type: 'filesystem', rootDir });
    expect(dir.content()).toEqual({ a: { b: { c: {} } } });
  });

  it('fails clearly when the path is a file', async () => {
    dir.setContent({ file: 'x' });
    await expect(
      prepareArtifactDirectory({
        type: 'filesystem',
        rootDir: dir.resolve('file'),
      }),
    ).rejects.toThrow(/is not a writable directory/);
  });
});
