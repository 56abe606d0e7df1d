import { InputError, NotFoundError } from '@backstage/errors';
import { createWriteStream } from 'node:fs';
import * as fs from 'node:fs/promises';
import {
  dirname,
  isAbsolute,
  relative,
  resolve as resolvePath,
} from 'node:path';
import { pipeline } from 'node:stream/promises';
import {
  ArtifactStore,
  assertArtifactKey,
  isArtifactKey,
  isTemporaryKey,
  PutArtifactOptions,
  StoredArtifact,
  temporaryKey,
} from './ArtifactStore';
import { DigestStream } from './DigestStream';
import { InsufficientStorageError } from './errors';
import { feedDigest } from './feedDigest';

// Uploads are written here first and renamed into place once complete. It
// lives inside the root so that the rename never crosses filesystems.
const TEMP_DIR = 'tmp';
const WRITE_BUFFER_BYTES = 1024 * 1024;
// How often a running upload checks the free space of the volume.
const FREE_SPACE_CHECK_MS = 1000;

function hasErrorCode(error: unknown, ...codes: string[]): boolean {
  return codes.includes((error as NodeJS.ErrnoException)?.code ?? '');
}

/** Artifacts as files under one directory, laid out like their keys. */
export class FilesystemArtifactStore implements ArtifactStore {
  /**
   * Creates the directory if needed and proves that files can be created in
   * it, so that a misconfigured root stops the backend at startup rather than
   * failing the first upload.
   */
  static async create(options: {
    rootDir: string;
    /**
     * Free bytes uploads leave on the volume: an upload is refused (507)
     * before it starts when its announced size would eat into them, and
     * stopped when the free space falls below them while it runs. Default 0.
     */
    reserveBytes?: number;
  }): Promise<FilesystemArtifactStore> {
    const store = new FilesystemArtifactStore(
      resolvePath(options.rootDir),
      options.reserveBytes ?? 0,
    );
    const probe = store.resolve(temporaryKey());
    await fs.mkdir(dirname(probe), { recursive: true });
    await fs.writeFile(probe, '', { flag: 'wx' });
    await fs.rm(probe);
    return store;
  }

  private constructor(
    private readonly rootDir: string,
    private readonly reserveBytes: number,
  ) {}

  /** Free bytes on the store's volume, for the caller (not root). */
  async freeBytes(): Promise<number> {
    const { bavail, bsize } = await fs.statfs(this.rootDir);
    return bavail * bsize;
  }

  /**
   * Refuses when writing `pendingBytes` more would leave less than the
   * reserve free on the volume.
   */
  private async checkFreeSpace(pendingBytes: number): Promise<void> {
    if (this.reserveBytes <= 0 && pendingBytes <= 0) return;
    const free = await this.freeBytes();
    if (free - pendingBytes < this.reserveBytes) {
      throw new InsufficientStorageError(
        `Not enough free space for the artifact: ${free} bytes free on the store's volume, ` +
          `${pendingBytes} more bytes announced, and ${this.reserveBytes} bytes are kept free ` +
          `(modelRegistry.storage.filesystem.reserveBytes)`,
      );
    }
  }

  async put(
    key: string,
    body: NodeJS.ReadableStream,
    options: PutArtifactOptions,
  ): Promise<StoredArtifact> {
    assertArtifactKey(key);
    const target = this.resolve(key);
    const declared = options.declaredBytes ?? 0;
    await this.checkFreeSpace(declared);
    const digest = new DigestStream(options);
    const tempPath = this.resolve(temporaryKey());
    // While the body streams in, the volume may fill up (other uploads, other
    // programs): the upload stops once what it still has to write would eat
    // into the reserve.
    const spaceWatch = setInterval(() => {
      this.checkFreeSpace(Math.max(0, declared - digest.bytesSoFar)).catch(
        error => digest.destroy(error),
      );
    }, FREE_SPACE_CHECK_MS);
    spaceWatch.unref();
    try {
      // `flush` syncs the data to disk before the file is closed, and pipeline
      // waits for the close: without it a crash right after the rename could
      // leave a complete-looking but empty or truncated file at the key.
      feedDigest(body, digest);
      await pipeline(
        digest,
        createWriteStream(tempPath, {
          flags: 'wx',
          flush: true,
          // Lets the small chunks of a request body queue up while a write is
          // in progress, so that they go to disk in fewer, larger writes.
          highWaterMark: WRITE_BUFFER_BYTES,
        }),
      );
      await fs.mkdir(dirname(target), { recursive: true });
      await fs.rename(tempPath, target);
    } catch (error) {
      await fs.rm(tempPath, { force: true });
      if (hasErrorCode(error, 'ENOSPC', 'EDQUOT')) {
        throw new InsufficientStorageError(
          `The store's volume is full: ${(error as Error).message}`,
        );
      }
      throw error;
    } finally {
      clearInterval(spaceWatch);
    }
    try {
      // Makes the rename itself durable before the caller records the version.
      await syncDirectory(dirname(target));
    } catch (error) {
      await fs.rm(target, { force: true });
      throw error;
    }
    return { key, ...digest.result() };
  }

  async get(
    key: string,
  ): Promise<{ body: NodeJS.ReadableStream; size: number }> {
    assertArtifactKey(key);
    let file: fs.FileHandle;
    try {
      file = await fs.open(this.resolve(key), 'r');
    } catch (error) {
      if (hasErrorCode(error, 'ENOENT')) {
        throw new NotFoundError(`No artifact stored at ${key}`);
      }
      throw error;
    }
    try {
      // The size comes from the open file, so a concurrent replacement of the
      // key cannot make it disagree with the bytes streamed.
      const { size } = await file.stat();
      return { body: file.createReadStream(), size };
    } catch (error) {
      await file.close();
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    if (isTemporaryKey(key)) {
      await fs.rm(this.resolve(key), { force: true });
      return;
    }
    assertArtifactKey(key);
    const path = this.resolve(key);
    await fs.rm(path, { force: true });
    // The version's directory holds nothing else; models keep theirs.
    await fs.rmdir(dirname(path)).catch(error => {
      if (!hasErrorCode(error, 'ENOENT', 'ENOTEMPTY')) {
        throw error;
      }
    });
  }

  async *list(): AsyncIterable<{ key: string; lastModified: Date }> {
    for await (const key of this.candidateKeys()) {
      if (!isArtifactKey(key) && !isTemporaryKey(key)) {
        continue;
      }
      try {
        const { mtime } = await fs.stat(this.resolve(key));
        yield { key, lastModified: mtime };
      } catch (error) {
        // Deleted or renamed into place since its directory was read.
        if (!hasErrorCode(error, 'ENOENT')) {
          throw error;
        }
      }
    }
  }

  /** Downloads stream through the backend, as nothing can presign a file. */
  async getDownloadUrl(
    key: string,
    _expiresInSeconds: number,
  ): Promise<string | undefined> {
    assertArtifactKey(key);
    return undefined;
  }

  /** A path on the backend's host is no URI anything else could read. */
  uri(key: string): undefined {
    assertArtifactKey(key);
    return undefined;
  }

  describe(): string {
    return `directory ${this.rootDir}`;
  }

  /** The path of a key; keys are checked before, this is the last guard. */
  private resolve(key: string): string {
    const path = resolvePath(this.rootDir, key);
    const inside = relative(this.rootDir, path);
    if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) {
      throw new InputError(`Artifact key "${key}" escapes the store`);
    }
    return path;
  }

  /**
   * Walks the known layout level by level rather than the whole tree, so
   * that directories removed by a concurrent delete are simply skipped.
   */
  private async *candidateKeys(): AsyncIterable<string> {
    for (const name of await this.readDirectory(TEMP_DIR)) {
      yield `${TEMP_DIR}/${name}`;
    }
    for (const model of await this.readDirectory('models')) {
      for (const version of await this.readDirectory(
        `models/${model}/versions`,
      )) {
        yield `models/${model}/versions/${version}/artifact`;
      }
    }
  }

  private async readDirectory(key: string): Promise<string[]> {
    try {
      return await fs.readdir(this.resolve(key));
    } catch (error) {
      if (hasErrorCode(error, 'ENOENT', 'ENOTDIR')) {
        return [];
      }
      throw error;
    }
  }
}

async function syncDirectory(path: string): Promise<void> {
  const dir = await fs.open(path, 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}
