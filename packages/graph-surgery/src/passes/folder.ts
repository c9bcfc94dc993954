/**
 * One pass over a folder of modules (a tracker's four .onnx files): every model is read and transformed in
 * memory first, and only when all succeed are the results written, so a failing module leaves no partial
 * output folder behind. A module the pass has nothing to do for reports that in its notes; that is not a failure.
 */
import { copyFile, mkdir, readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ToolkitError } from '@tamkit/common';
import { readModel, writeModel } from '../onnx/model-io.js';
import type { ModelProto } from '../onnx/types.js';

/** Files beside the modules that travel with them (the tracking loop reads the tracker's learned tensors there). */
export const FOLDER_COMPANIONS = ['tracker-params.json'] as const;

/** Result of `applyPassToFolder`. */
export interface FolderPassResult<R> {
  /** Each model file (name within the folder) and its pass report, in name order. */
  modules: { file: string; report: R }[];
  /** Companion files copied unchanged (`FOLDER_COMPANIONS`). */
  copied: string[];
  /** Other files of the input folder, left out (e.g. a zoo manifest, which describes the inputs). */
  skipped: string[];
}

/** Options of `applyPassToFolder`. */
export interface FolderPassOptions {
  /** Called before each model is transformed (the CLI prints progress from it). */
  onProgress?: (event: { file: string; index: number; count: number }) => void;
}

/** True when `path` is a directory. */
export async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Applies `pass` to every `.onnx` file of `inputDir` and writes the results under the same names into
 * `outputDir` (created if missing). Errors name the file they came from; nothing is written unless every module
 * passed.
 */
export async function applyPassToFolder<R>(
  inputDir: string,
  outputDir: string,
  pass: (
    model: ModelProto,
    file: string,
  ) => { model: ModelProto; report: R } | Promise<{ model: ModelProto; report: R }>,
  options: FolderPassOptions = {},
): Promise<FolderPassResult<R>> {
  if (resolve(inputDir) === resolve(outputDir)) {
    throw new ToolkitError('OUTPUT_IS_INPUT', `output folder ${outputDir} is the input folder`, {
      remedy: 'Write to another folder; tamkit never modifies its input.',
    });
  }
  const entries = (await readdir(inputDir, { withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name);
  entries.sort();
  const models = entries.filter((name) => name.endsWith('.onnx'));
  if (models.length === 0) {
    throw new ToolkitError('FOLDER_NO_MODELS', `${inputDir} holds no .onnx file`, {
      remedy: 'Point the command at a folder of modules (e.g. one written by `graph-surgery zoo`) or at one file.',
    });
  }
  const results: { file: string; model: ModelProto; report: R }[] = [];
  for (const [index, file] of models.entries()) {
    options.onProgress?.({ file, index, count: models.length });
    const input = await readModel(join(inputDir, file));
    try {
      results.push({ file, ...(await pass(input, file)) });
    } catch (error) {
      if (error instanceof ToolkitError) {
        throw new ToolkitError(error.code, `${file}: ${error.message}`, {
          ...(error.remedy ? { remedy: error.remedy } : {}),
          exitCode: error.exitCode,
          cause: error,
        });
      }
      throw error;
    }
  }
  await mkdir(outputDir, { recursive: true });
  for (const r of results) await writeModel(r.model, join(outputDir, r.file));
  const copied: string[] = [];
  const skipped: string[] = [];
  for (const name of entries) {
    if (name.endsWith('.onnx')) continue;
    if ((FOLDER_COMPANIONS as readonly string[]).includes(name)) {
      await copyFile(join(inputDir, name), join(outputDir, name));
      copied.push(name);
    } else skipped.push(name);
  }
  return { modules: results.map(({ file, report }) => ({ file, report })), copied, skipped };
}
