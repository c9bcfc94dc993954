/** Finding the four tracker modules in a models folder. */
import { findModels, type ModuleKind, moduleName, readModelSignature, recogniseModule } from '@tamkit/bench';
import { ToolkitError } from '@tamkit/common';
import type { ModuleFiles } from './module-inputs.js';

/** The tracker's modules in pipeline order. */
export const MODULE_KINDS: readonly ModuleKind[] = [
  'image_encoder',
  'memory_attention',
  'mask_decoder',
  'memory_encoder',
];

/**
 * The module files of a folder: a file named after a module (`image_encoder.onnx`) is that module; any other
 * .onnx file is recognised from its input signature. Files that are no tracker module are ignored.
 */
export async function findModuleFiles(dir: string): Promise<ModuleFiles> {
  const files: ModuleFiles = {};
  for (const path of await findModels(dir)) {
    const name = moduleName(path);
    const kind = (MODULE_KINDS as readonly string[]).includes(name)
      ? (name as ModuleKind)
      : recogniseModule((await readModelSignature(path)).inputs);
    if (kind && !files[kind]) files[kind] = path;
  }
  if (Object.keys(files).length === 0) {
    throw new ToolkitError('EVAL_NO_MODULES', `${dir} holds no tracker module (.onnx)`, {
      remedy:
        'Point --models at the folder of image_encoder.onnx, memory_attention.onnx, mask_decoder.onnx, memory_encoder.onnx.',
    });
  }
  return files;
}

/** Keeps the requested modules; an unknown or missing name is an error naming what exists. */
export function selectModules(files: ModuleFiles, wanted: readonly string[] | undefined, dir: string): ModuleFiles {
  if (!wanted || wanted.length === 0) return files;
  const selected: ModuleFiles = {};
  for (const name of wanted) {
    const path = files[name as ModuleKind];
    if (!path) {
      throw new ToolkitError('EVAL_MODULE_NOT_FOUND', `module "${name}" is not in ${dir}`, {
        remedy: `Choose from: ${Object.keys(files).join(', ')}.`,
      });
    }
    selected[name as ModuleKind] = path;
  }
  return selected;
}
