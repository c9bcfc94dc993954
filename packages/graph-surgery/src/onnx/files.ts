/**
 * File plumbing shared by every writer in the toolkit: outputs appear whole or not at all.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve as resolvePath } from 'node:path';
import { ToolkitError } from '../errors.js';

/** A sibling temp path: same directory, so the final rename is atomic on one file system. */
export function tempPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/**
 * Writes chunks to `target` atomically: into a temp file in the same folder, fsynced, then renamed. On any
 * failure the temp file is removed and `target` is untouched.
 */
export async function writeFileAtomic(
  target: string,
  chunks: Iterable<Uint8Array> | Uint8Array | string,
): Promise<void> {
  const temp = tempPathFor(target);
  const handle = await open(temp, 'wx');
  try {
    const list = typeof chunks === 'string' || chunks instanceof Uint8Array ? [chunks] : chunks;
    for (const chunk of list) await handle.write(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    await handle.sync();
    await handle.close();
    await rename(temp, target);
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(temp, { force: true });
    throw error;
  }
}

/** Refuses an output path that is the input itself: the input is never modified. */
export function assertNotSameFile(input: string, output: string): void {
  if (resolvePath(input) === resolvePath(output)) {
    throw new ToolkitError('OUTPUT_IS_INPUT', `output ${output} is the input file`, {
      remedy: 'Write to another path; tamkit never modifies its input.',
    });
  }
}
