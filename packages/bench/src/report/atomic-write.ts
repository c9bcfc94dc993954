import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ToolkitError } from '@tamkit/common';

/**
 * Writes `data` to `path` so that readers see either the old file or the complete new one, never a partial
 * file: the bytes go to a temporary sibling first (same directory, so the rename stays on one filesystem), which
 * is then renamed over the target. Parent directories are created. On failure the temporary file is removed.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(temp, data);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    const reason = error instanceof Error ? error.message : String(error);
    throw new ToolkitError('WRITE_FAILED', `Could not write ${path}. Note: ${reason}`, {
      remedy: 'Check that the output directory is writable and the disk is not full.',
      cause: error,
    });
  }
}

/** Writes several files atomically, one after the other; returns the paths written, in order. */
export async function writeFilesAtomic(
  files: readonly { path: string; data: string | Uint8Array }[],
): Promise<string[]> {
  const written: string[] = [];
  for (const file of files) {
    await writeFileAtomic(file.path, file.data);
    written.push(file.path);
  }
  return written;
}
