/**
 * The one check every command that writes makes before it starts working: can its output go where the user
 * asked? A missing parent folder is created later (as `writeFileAtomic` does); a folder where a file should go,
 * a file where a folder should go, a path through a file and a folder nobody may write are refused now, with
 * what is wrong and how to fix it, instead of failing after hours of work.
 */
import { open, readdir, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { ToolkitError } from './errors.js';
import { randomHex } from './lazy-builtins.js';

/** What the output path names: one file, or a folder the command fills. */
export type OutputKind = 'file' | 'folder';

/** Options of `checkOutputLocation`. */
export interface OutputLocationOptions {
  /** `file` (default) or `folder`. */
  kind?: OutputKind;
  /** The flag the path came from, for the message (e.g. `-o`, `--plan-dir`). Default: none. */
  flag?: string;
}

/** A temp file or folder of tamkit's atomic writes: `.<name>.<pid>.<8 hex>.tmp`. */
const TEMP_NAME = /^\.(.+)\.(\d+)\.[0-9a-f]{8}\.tmp$/;

/**
 * Turns an errno from writing `target` into a `ToolkitError` that says what is wrong and how to fix it.
 * Shared by `checkOutputLocation` and `writeFileAtomic`, so both say the same thing.
 */
export function writeError(target: string, error: unknown, flag?: string): ToolkitError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const where = flag ? `${flag} ${target}` : target;
  const reason = error instanceof Error ? error.message : String(error);
  const known: Record<string, [string, string]> = {
    EISDIR: [`${where} is a folder; a file is written there`, 'Name a file, e.g. add a file name to the path.'],
    ENOTDIR: [
      `${where}: a part of the path is a file, not a folder`,
      'Choose a path whose folders are folders (or remove the file that is in the way).',
    ],
    EACCES: [
      `cannot write ${where}: permission denied`,
      'Choose a folder you may write to, or change its permissions.',
    ],
    EPERM: [`cannot write ${where}: operation not permitted`, 'Choose a folder you may write to.'],
    EROFS: [`cannot write ${where}: the file system is read-only`, 'Choose a folder on a writable file system.'],
    ENOSPC: [`cannot write ${where}: no space left on the device`, 'Free some disk space or write elsewhere.'],
    EDQUOT: [`cannot write ${where}: disk quota exceeded`, 'Free some space in your quota or write elsewhere.'],
    ENOENT: [
      `cannot write ${where}: its folder does not exist and cannot be created`,
      'Create the folder first, or choose an existing one.',
    ],
    ENAMETOOLONG: [`cannot write ${where}: the name is too long`, 'Choose a shorter path.'],
  };
  // mkdir -p through a file says EEXIST: the same mistake as ENOTDIR.
  const [message, remedy] = (code && known[code === 'EEXIST' ? 'ENOTDIR' : code]) || [
    `could not write ${where}: ${reason}`,
    'Check that the output folder is writable and the disk is not full.',
  ];
  return new ToolkitError('WRITE_FAILED', message, { remedy, cause: error });
}

async function statOrUndefined(path: string) {
  return stat(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
}

/** The nearest folder of `path` (itself included) that exists; refuses a path that runs through a file. */
async function nearestExistingFolder(path: string, flag: string | undefined): Promise<string> {
  let current = resolve(path);
  for (;;) {
    const info = await statOrUndefined(current).catch((error) => {
      throw writeError(path, error, flag);
    });
    if (info?.isDirectory()) return current;
    if (info) throw writeError(path, Object.assign(new Error('not a directory'), { code: 'ENOTDIR' }), flag);
    const parent = dirname(current);
    if (parent === current) return current;
    current = parent;
  }
}

/** Writes and removes a probe file in `folder`: the only honest test of "may I write here" (root included). */
async function probeWritable(folder: string, target: string, flag: string | undefined): Promise<void> {
  const probe = join(folder, `.tamkit-write-probe.${process.pid}.${randomHex(4)}.tmp`);
  try {
    const handle = await open(probe, 'wx');
    await handle.close();
  } catch (error) {
    throw writeError(target, error, flag);
  }
  await rm(probe, { force: true });
}

/**
 * Checks, before any work, that the command can write `path` (a file, or a folder it fills): refuses with a
 * `WRITE_FAILED` `ToolkitError` (exit 1) an output that is a folder where a file goes or a file where a folder
 * goes, a path through a file, and a folder that cannot be written (read-only, no permission, a pseudo file
 * system). Missing folders are not created here; the writer creates them. Also removes temp files a killed
 * earlier run left for this output (see `removeStaleTemps`).
 */
export async function checkOutputLocation(path: string, options: OutputLocationOptions = {}): Promise<void> {
  const { kind = 'file', flag } = options;
  const info = await statOrUndefined(path).catch((error) => {
    throw writeError(path, error, flag);
  });
  if (kind === 'file' && info?.isDirectory()) {
    throw writeError(path, Object.assign(new Error('is a directory'), { code: 'EISDIR' }), flag);
  }
  if (kind === 'folder' && info && !info.isDirectory()) {
    throw new ToolkitError('WRITE_FAILED', `${flag ? `${flag} ` : ''}${path} is a file; a folder is written there`, {
      remedy: 'Name a folder (it is created if missing), or remove the file.',
    });
  }
  const folder = await nearestExistingFolder(kind === 'folder' ? path : dirname(resolve(path)), flag);
  await probeWritable(folder, path, flag);
  if (kind === 'folder' && info) await removeStaleTemps(path);
  else if (kind === 'file' && folder === dirname(resolve(path))) await removeStaleTemps(folder, basename(path));
}

function processIsAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the temp files and folders (`.<name>.<pid>.<hex>.tmp`) that tamkit's atomic writes left in `folder`
 * when their process was killed: those whose process no longer runs on this machine. With `name`, only the
 * temps of that output. Returns what was removed. Temps of a running process are never touched, so two
 * commands writing into one folder on one machine do not disturb each other.
 */
export async function removeStaleTemps(folder: string, name?: string): Promise<string[]> {
  const entries = await readdir(folder).catch(() => [] as string[]);
  const removed: string[] = [];
  for (const entry of entries) {
    const match = TEMP_NAME.exec(entry);
    if (!match || (name !== undefined && match[1] !== name) || processIsAlive(Number(match[2]))) continue;
    await rm(join(folder, entry), { recursive: true, force: true }).catch(() => undefined);
    removed.push(entry);
  }
  return removed;
}
