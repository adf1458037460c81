import { createReadStream } from 'node:fs';
import { access, mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';

/** Where record files live, by SHA-256 of their content. */
export abstract class RecordStorage {
  /** A scratch path for an upload in progress (same volume as the store). */
  abstract tempPath(name: string): Promise<string>;
  /** Moves a finished upload into the store; `created` is false when the content was already there. */
  abstract put(tempFile: string, sha256: string): Promise<{ created: boolean }>;
  abstract open(sha256: string): Readable;
  abstract remove(sha256: string): Promise<void>;
}

const SHA256 = /^[0-9a-f]{64}$/;

/** The default: files under DATA_DIR/records/ab/cd/<sha256>. */
export class FileSystemRecordStorage extends RecordStorage {
  constructor(private readonly root: string) {
    super();
  }

  async tempPath(name: string): Promise<string> {
    const dir = path.join(this.root, 'tmp');
    await mkdir(dir, { recursive: true });
    return path.join(dir, name);
  }

  async put(tempFile: string, sha256: string): Promise<{ created: boolean }> {
    const target = this.pathOf(sha256);
    if (await exists(target)) {
      await rm(tempFile, { force: true });
      return { created: false };
    }
    await mkdir(path.dirname(target), { recursive: true });
    await rename(tempFile, target);
    return { created: true };
  }

  open(sha256: string): Readable {
    return createReadStream(this.pathOf(sha256));
  }

  async remove(sha256: string): Promise<void> {
    await rm(this.pathOf(sha256), { force: true });
  }

  private pathOf(sha256: string): string {
    if (!SHA256.test(sha256)) throw new Error('not a sha256');
    return path.join(this.root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
