/**
 * The module files of a models folder, by one rule for every command (bench pipeline, track-eval lasot,
 * fidelity, bisect): a file named `<module>.onnx` is that module; any other .onnx file is recognised from its
 * input signature (graph-surgery's `recognizeModuleSignature`); files that are no tracker module are ignored.
 */
import { readdir } from 'node:fs/promises';
import { ToolkitError } from '@tamkit/common';
import { isTrackerModule, recognizeModuleSignature, TRACKER_MODULES, type TrackerModule } from '@tamkit/graph-surgery';
import { findModels, moduleName } from '../measure/find-models.js';
import { readModelSignature } from '../stacks/model-signature.js';

/** Module files by module (any subset). */
export type ModuleFiles = Partial<Record<TrackerModule, string>>;

/**
 * The tracker modules in `dir` (see the file comment). Named files win over recognised ones; a signature is read
 * only for the files whose names say nothing. Throws when the folder holds no .onnx file or no tracker module.
 */
export async function findModuleFiles(dir: string): Promise<ModuleFiles> {
  const files: ModuleFiles = {};
  const unnamed: string[] = [];
  for (const path of await findModels(dir)) {
    const name = moduleName(path);
    if (isTrackerModule(name)) files[name] = path;
    else unnamed.push(path);
  }
  for (const path of unnamed) {
    if (TRACKER_MODULES.every((m) => files[m])) break;
    const module = recognizeModuleSignature(await readModelSignature(path))?.module;
    if (module && !files[module]) files[module] = path;
  }
  if (Object.keys(files).length === 0) {
    throw new ToolkitError('MODELS_NO_MODULES', `--models ${dir} holds no tracker module (.onnx)`, {
      remedy: `Point --models at the folder of ${TRACKER_MODULES.map((m) => `${m}.onnx`).join(', ')}.`,
    });
  }
  return files;
}

/** All four modules of `dir`, as the tracking loop needs them; an error names the missing ones. */
export async function moduleFiles(dir: string): Promise<Record<TrackerModule, string>> {
  // A folder without any .onnx file: say which four files are missing rather than that it is empty.
  const anyOnnx = await readdir(dir).then(
    (names) => names.some((n) => n.endsWith('.onnx')),
    () => true,
  );
  const files = anyOnnx ? await findModuleFiles(dir) : {};
  const missing = TRACKER_MODULES.filter((m) => !files[m as TrackerModule]).map((m) => `${m}.onnx`);
  if (missing.length > 0) {
    throw new ToolkitError(
      'PIPELINE_MODELS_MISSING',
      `--models ${dir}: missing ${missing.join(', ')}${Object.keys(files).length ? ` (found ${Object.keys(files).join(', ')})` : ''}`,
      {
        remedy:
          'Point --models at a folder with the four modules, e.g. one written by `graph-surgery zoo efficienttam-ti -o DIR`.',
      },
    );
  }
  return files as Record<TrackerModule, string>;
}

/** Keeps the requested modules; an unknown or missing name is an error naming what exists. */
export function selectModules(files: ModuleFiles, wanted: readonly string[] | undefined, dir: string): ModuleFiles {
  if (!wanted || wanted.length === 0) return files;
  const selected: ModuleFiles = {};
  for (const name of wanted) {
    const path = isTrackerModule(name) ? files[name] : undefined;
    if (!path) {
      throw new ToolkitError('MODULE_NOT_FOUND', `module "${name}" is not in ${dir}`, {
        remedy: `Choose from: ${Object.keys(files).join(', ')}.`,
      });
    }
    selected[name as TrackerModule] = path;
  }
  return selected;
}
