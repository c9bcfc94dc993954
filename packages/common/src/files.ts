/**
 * File plumbing shared by every writer in the toolkit: outputs appear whole or not at all.
 */
import { randomBytes } from 'node:crypto';
import { type FileHandle, mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve as resolvePath } from 'node:path';
import { ToolkitError } from './errors.js';

/** A sibling temp path: same directory, so the final rename is atomic on one file system. */
export function tempPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/**
 * Writes `data` (a string, bytes, or byte chunks written in order without concatenating them, so a multi-GiB
 * model is never copied) to `target` atomically: into a temp file in the same folder, then renamed, so readers
 * see the old file or the whole new one, never a part. Missing parent folders are created. (No fsync: like
 * onnx.save, durability across power loss is left to the file system; the rename still never exposes a partial
 * file.) On any failure the temp file is removed, `target` is untouched, and a `ToolkitError` `WRITE_FAILED`
 * says which file and why.
 */
export async function writeFileAtomic(target: string, data: Iterable<Uint8Array> | Uint8Array | string): Promise<void> {
  const temp = tempPathFor(target);
  let handle: FileHandle | undefined;
  try {
    await mkdir(dirname(target), { recursive: true });
    handle = await open(temp, 'wx');
    const list = typeof data === 'string' || data instanceof Uint8Array ? [data] : data;
    const buffers = [...list].map((c) => (typeof c === 'string' ? Buffer.from(c) : c));
    for (const batch of writeBatches(buffers)) await writeAll(handle, batch);
    await handle.close();
    handle = undefined;
    await rename(temp, target);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await rm(temp, { force: true });
    const reason = error instanceof Error ? error.message : String(error);
    throw new ToolkitError('WRITE_FAILED', `could not write ${target}: ${reason}`, {
      remedy: 'Check that the output folder is writable and the disk is not full.',
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

/** Refuses an output path that is the input itself: the input is never modified. */
export function assertNotSameFile(input: string, output: string): void {
  if (resolvePath(input) === resolvePath(output)) {
    throw new ToolkitError('OUTPUT_IS_INPUT', `output ${output} is the input file`, {
      remedy: 'Write to another path; tamkit never modifies its input.',
    });
  }
}

async function writeAll(handle: FileHandle, buffers: Uint8Array[]): Promise<void> {
  const pending = buffers.filter((b) => b.byteLength > 0);
  while (pending.length) {
    let { bytesWritten } = await handle.writev(pending);
    if (bytesWritten <= 0) throw new Error(`write made no progress (${bytesWritten} bytes)`);
    // A short write: drop what was written and go on with the rest.
    while (pending.length && bytesWritten >= pending[0]!.byteLength) bytesWritten -= pending.shift()!.byteLength;
    if (pending.length && bytesWritten > 0) pending[0] = pending[0]!.subarray(bytesWritten);
  }
}

const MAX_BATCH_BYTES = 2 ** 30;

/**
 * Groups buffers for writev: at most 1024 per call (IOV_MAX) and at most 1 GiB per call, because Node
 * reports bytesWritten as a 32-bit integer and a larger total comes back negative.
 */
function* writeBatches(buffers: Uint8Array[]): Generator<Uint8Array[]> {
  let batch: Uint8Array[] = [];
  let bytes = 0;
  for (const buffer of buffers) {
    for (let at = 0; at < buffer.byteLength; at += MAX_BATCH_BYTES) {
      const piece = buffer.subarray(at, at + MAX_BATCH_BYTES);
      if (batch.length === 1024 || bytes + piece.byteLength > MAX_BATCH_BYTES) {
        yield batch;
        batch = [];
        bytes = 0;
      }
      batch.push(piece);
      bytes += piece.byteLength;
    }
  }
  if (batch.length) yield batch;
}
