/**
 * File plumbing shared by every writer in the toolkit (outputs appear whole or not at all) and every reader of
 * models, data and plans (only regular files: a FIFO or device is refused at once).
 */
import { constants as bufferConstants } from 'node:buffer';
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { type FileHandle, mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve as resolvePath } from 'node:path';
import { ToolkitError } from './errors.js';
import { availableCores, randomHex } from './lazy-builtins.js';
import { removeStaleTemps, writeError } from './output-location.js';

/** A sibling temp path: same directory, so the final rename is atomic on one file system. */
export function tempPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.${process.pid}.${randomHex(4)}.tmp`);
}

/** The `WRITE_FAILED` error for `target`, from whatever went wrong (what is wrong and how to fix it, by errno). */
function writeFailed(target: string, error: unknown): ToolkitError {
  return error instanceof ToolkitError ? error : writeError(target, error);
}

/**
 * Writes `data` to a new temp file beside `target` (missing parent folders are created) and returns its path, for
 * a caller that renames it into place itself (a model and its data files are published in a chosen order). On any
 * failure the temp file is removed and a `ToolkitError` `WRITE_FAILED` says which file and why.
 */
export async function writeTempFile(target: string, data: Iterable<Uint8Array> | Uint8Array | string): Promise<string> {
  const temp = tempPathFor(target);
  let handle: FileHandle | undefined;
  try {
    await mkdir(dirname(target), { recursive: true });
    handle = await open(temp, 'wx');
    const list = typeof data === 'string' || data instanceof Uint8Array ? [data] : data;
    const buffers = [...list].map((c) => (typeof c === 'string' ? Buffer.from(c) : c));
    for (const batch of writeBatches(buffers)) await writeAll(handle, batch);
    await handle.close();
    return temp;
  } catch (error) {
    await handle?.close().catch(() => undefined);
    // The temp may not exist, or its folder may not be a folder: cleaning up must not hide the real error.
    await rm(temp, { force: true }).catch(() => undefined);
    throw writeFailed(target, error);
  }
}

/**
 * Renames a temp file over `target`; on failure the temp file is removed and `WRITE_FAILED` is thrown. Temps of
 * `target` left by a killed earlier writer are removed after the rename.
 */
export async function publishTempFile(temp: string, target: string): Promise<void> {
  try {
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw writeFailed(target, error);
  }
  await removeStaleTemps(dirname(target), basename(target));
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
  await publishTempFile(await writeTempFile(target, data), target);
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
/** What a non-regular file is, for messages ("a FIFO (named pipe)"). */
function fileKind(stat: Stats): string {
  if (stat.isDirectory()) return 'a directory';
  if (stat.isFIFO()) return 'a FIFO (named pipe)';
  if (stat.isSocket()) return 'a socket';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}

function openError(path: string, what: string, error: NodeJS.ErrnoException): ToolkitError {
  if (error.code === 'ENOENT') {
    return new ToolkitError('FILE_NOT_FOUND', `${path}: no such file (${what})`, { remedy: 'Check the path.' });
  }
  return new ToolkitError('FILE_UNREADABLE', `${path}: cannot be read (${what}): ${error.message}`, {
    remedy: 'Check the file permissions.',
    cause: error,
  });
}

function notRegular(path: string, what: string, stat: Stats): ToolkitError {
  return new ToolkitError('NOT_A_FILE', `${path}: is ${fileKind(stat)}, not a regular file (${what})`, {
    remedy: 'Name the file itself; tamkit reads models, data and plans only from regular files.',
  });
}

// Non-blocking, so that opening a FIFO with no writer returns at once instead of waiting for one.
const OPEN_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK;

/**
 * Opens `path` for reading if, and only if, it is a regular file. A FIFO, socket, device or directory is refused
 * at once with NOT_A_FILE (the open is non-blocking and the type is checked on the opened descriptor, so a FIFO
 * can neither hang the call nor be swapped in after the check). `what` names the file's role in messages.
 */
export function openRegularFileSync(path: string, what: string): { fd: number; size: number } {
  let fd: number;
  try {
    fd = openSync(path, OPEN_FLAGS);
  } catch (error) {
    throw openError(path, what, error as NodeJS.ErrnoException);
  }
  const stat = fstatSync(fd);
  if (!stat.isFile()) {
    closeSync(fd);
    throw notRegular(path, what, stat);
  }
  return { fd, size: stat.size };
}

/** As `openRegularFileSync`, returning a FileHandle and the file's size. */
export async function openRegularFile(path: string, what: string): Promise<{ handle: FileHandle; size: number }> {
  let handle: FileHandle;
  try {
    handle = await open(path, OPEN_FLAGS);
  } catch (error) {
    throw openError(path, what, error as NodeJS.ErrnoException);
  }
  const stat = await handle.stat();
  if (!stat.isFile()) {
    await handle.close();
    throw notRegular(path, what, stat);
  }
  return { handle, size: stat.size };
}

/**
 * The whole content of a regular file (refused as `openRegularFile` refuses). The buffer is sized from the file's
 * length and filled by one read where the kernel allows, or by a few at once when it is large (FileHandle.readFile
 * makes a thread-pool round trip per 512 KiB: 170 for an 84 MB model). A file that grows meanwhile, or reports
 * size 0 as /proc files do, is read to its end all the same.
 */
export async function readRegularFile(path: string, what: string): Promise<Buffer> {
  const { handle, size } = await openRegularFile(path, what);
  try {
    const parts: Buffer[] = [];
    let total = 0;
    for (let want = Math.min(size, MAX_BUFFER) || 64 * 1024; ; want = 64 * 1024) {
      const part = await readUpTo(handle, want, total);
      if (part.byteLength === 0) break;
      parts.push(part);
      total += part.byteLength;
      if (total > MAX_BUFFER) throw tooLarge(path, what);
    }
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts, total);
  } finally {
    await handle.close();
  }
}

/** A read is split into slices read at once (see `readUpTo`) of at least this many bytes each. */
const SLICE_MIN = 8 * 2 ** 20;
/** At most 4 slices: the thread pool has 4 threads, and module loading shares them. */
const MAX_SLICES = 4;

/**
 * Up to `length` bytes at `position`, fewer only at the end of the file. A large read is split into slices that
 * are read at once on the thread pool: copying from the page cache, and faulting in the new buffer's pages, then
 * runs on several cores (an 84 MB model: ~45 -> ~28 ms on 2 cores).
 */
async function readUpTo(handle: FileHandle, length: number, position: number): Promise<Buffer> {
  const data = Buffer.allocUnsafe(length);
  const slices = length < 2 * SLICE_MIN ? 1 : Math.min(MAX_SLICES, availableCores(), Math.floor(length / SLICE_MIN));
  const step = Math.ceil(length / slices / 4096) * 4096;
  const ends: number[] = [];
  for (let start = 0; start < length; start += step) ends.push(Math.min(start + step, length));
  const filled = await Promise.all(ends.map((end, i) => fillSlice(handle, data, i * step, end, position)));
  // A slice cut short by the end of the file (it shrank since its size was read): only the bytes before it count.
  let done = 0;
  for (let i = 0; i < ends.length; i++) {
    done = filled[i]!;
    if (done < ends[i]!) break;
  }
  return done === length ? data : data.subarray(0, done);
}

/** Fills `data[start, end)` from the file at `position + start`; returns where it stopped (short: end of file). */
async function fillSlice(
  handle: FileHandle,
  data: Buffer,
  start: number,
  end: number,
  position: number,
): Promise<number> {
  let done = start;
  while (done < end) {
    const { bytesRead } = await handle.read(data, done, Math.min(MAX_READ, end - done), position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done;
}

function tooLarge(path: string, what: string): ToolkitError {
  return new ToolkitError(
    'FILE_TOO_LARGE',
    `${path}: more than ${MAX_BUFFER / 2 ** 30} GiB, more than one Node.js buffer holds (${what})`,
    { remedy: 'Keep large tensors in external data files (graph-surgery convert --external-data).' },
  );
}

/** Largest single read: Node's fs.read takes at most 2 GiB - 1 bytes per call. */
const MAX_READ = 2 ** 30;

/**
 * Reads `length` bytes at `offset` of an open file into a new buffer, in reads of at most 1 GiB (one read of 2 GiB
 * or more is refused by Node). Throws TENSOR_TOO_LARGE when the length exceeds what one Node buffer holds, and
 * FILE_TRUNCATED when the file ends first.
 */
export function readRangeSync(fd: number, offset: number, length: number, where: string): Buffer {
  if (length > MAX_BUFFER) {
    throw new ToolkitError(
      'TENSOR_TOO_LARGE',
      `${where}: ${(length / 2 ** 30).toFixed(2)} GiB in one tensor, more than one Node.js buffer holds (${MAX_BUFFER / 2 ** 30} GiB)`,
      { remedy: 'Split the tensor, or read the model with loadExternalData: false and stream the bytes yourself.' },
    );
  }
  const data = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const n = readSync(fd, data, done, Math.min(MAX_READ, length - done), offset + done);
    if (n === 0) {
      throw new ToolkitError('FILE_TRUNCATED', `${where}: the file ended after ${done} of ${length} bytes`, {
        remedy: 'The file was truncated (or is being rewritten); re-export or copy it again.',
      });
    }
    done += n;
  }
  return data;
}

const MAX_BUFFER = Number(bufferConstants.MAX_LENGTH);
