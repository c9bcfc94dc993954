/**
 * Putting files next to (or taking them away from) several onnxruntime-node bindings as one change: every file is
 * first copied into a hidden staging folder inside each binding directory (same file system, so the final step
 * is a rename), then renamed into place, each replaced file kept aside until all bindings are done. Any failure
 * undoes what was renamed, restores what was replaced and removes the staging folders: a binding ends with the
 * complete new set or exactly what it had.
 */
import { existsSync } from 'node:fs';
import { constants, copyFile, mkdtemp, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ToolkitError } from '@tamkit/common';
import { CudaInstallErrorCode } from './acquire.js';
import type { OrtBinding } from './bindings.js';

/** The installer's steps, in order; `beforeStep` hooks see each (tests inject failures there). */
export const INSTALL_STEPS = ['driver', 'acquire', 'verify', 'stage', 'commit', 'self-test'] as const;
export type InstallStep = (typeof INSTALL_STEPS)[number];
export type StepHook = (step: InstallStep, detail: string) => void;

/** A file to install: its name in the binding directory and where its bytes are now. */
export interface FileToInstall {
  name: string;
  source: string;
}

interface Applied {
  target: string;
  /** Where the new file waits (and goes back to on undo). */
  staged: string;
  /** Where the file it replaces was moved, if there was one. */
  backup?: string;
  renamed: boolean;
}

const STAGE_PREFIX = '.tamkit-stage-';

/** Staging folders a crashed install may have left in a binding directory (their names start with this). */
export const isStagingFolder = (name: string) => name.startsWith(STAGE_PREFIX);

async function undo(applied: Applied[]): Promise<string[]> {
  const failed: string[] = [];
  for (const entry of [...applied].reverse()) {
    try {
      if (entry.renamed) await rename(entry.target, entry.staged);
      if (entry.backup !== undefined) await rename(entry.backup, entry.target);
    } catch {
      failed.push(entry.target);
    }
  }
  return failed;
}

function wrap(error: unknown, failedUndo: string[]): Error {
  if (failedUndo.length > 0) {
    return new ToolkitError(
      CudaInstallErrorCode.Commit,
      `The provider change failed (${(error as Error).message}) and could not be undone for ${failedUndo.join(', ')}`,
      {
        remedy: 'Check the permissions of those folders, then run `bench cuda uninstall` and install again.',
        cause: error,
      },
    );
  }
  if (error instanceof ToolkitError) return error;
  return new ToolkitError(
    CudaInstallErrorCode.Commit,
    `The provider change failed, nothing was changed: ${(error as Error).message}`,
    { remedy: 'Check that the onnxruntime-node folders are writable and the disk has room, then retry.', cause: error },
  );
}

/** The bindings' files named in `files` replaced by the new ones, or nothing changed (then it throws). */
export async function installFiles(
  bindings: readonly OrtBinding[],
  files: readonly FileToInstall[],
  hook: StepHook,
): Promise<Map<string, string[]>> {
  const stages: { binding: OrtBinding; dir: string }[] = [];
  const applied: Applied[] = [];
  const replaced = new Map<string, string[]>();
  try {
    for (const binding of bindings) {
      const dir = await mkdtemp(join(binding.bindingDir, STAGE_PREFIX));
      stages.push({ binding, dir });
      for (const f of files) {
        hook('stage', join(binding.bindingDir, f.name));
        await copyFile(f.source, join(dir, f.name), constants.COPYFILE_FICLONE);
      }
    }
    for (const { binding, dir } of stages) {
      const names: string[] = [];
      for (const f of files) {
        const target = join(binding.bindingDir, f.name);
        hook('commit', target);
        const entry: Applied = { target, staged: join(dir, f.name), renamed: false };
        applied.push(entry);
        if (existsSync(target)) {
          const backup = join(dir, `${f.name}.previous`);
          await rename(target, backup);
          entry.backup = backup;
          names.push(f.name);
        }
        await rename(entry.staged, target);
        entry.renamed = true;
      }
      replaced.set(binding.bindingDir, names);
    }
  } catch (error) {
    const failedUndo = await undo(applied);
    await Promise.all(stages.map((s) => rm(s.dir, { recursive: true, force: true }).catch(() => undefined)));
    throw wrap(error, failedUndo);
  }
  // Done: the replaced files go with the staging folders.
  await Promise.all(stages.map((s) => rm(s.dir, { recursive: true, force: true }).catch(() => undefined)));
  return replaced;
}

/** The named files taken out of every binding (those present), or nothing changed (then it throws). */
export async function removeFiles(
  bindings: readonly OrtBinding[],
  names: readonly string[],
): Promise<Map<string, string[]>> {
  const stages: string[] = [];
  const applied: Applied[] = [];
  const removed = new Map<string, string[]>();
  try {
    for (const binding of bindings) {
      const present = names.filter((n) => existsSync(join(binding.bindingDir, n)));
      removed.set(binding.bindingDir, present);
      if (present.length === 0) continue;
      const dir = await mkdtemp(join(binding.bindingDir, STAGE_PREFIX));
      stages.push(dir);
      for (const name of present) {
        // Taken out = moved aside like a replaced file: undoing puts it back.
        const entry: Applied = { target: join(binding.bindingDir, name), staged: '', renamed: false };
        applied.push(entry);
        await rename(entry.target, join(dir, name));
        entry.backup = join(dir, name);
      }
    }
  } catch (error) {
    const failedUndo = await undo(applied);
    await Promise.all(stages.map((d) => rm(d, { recursive: true, force: true }).catch(() => undefined)));
    throw wrap(error, failedUndo);
  }
  await Promise.all(stages.map((d) => rm(d, { recursive: true, force: true }).catch(() => undefined)));
  return removed;
}
