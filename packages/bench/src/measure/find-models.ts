import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { ToolkitError } from '@tamkit/common';

/** The .onnx files to benchmark: the file itself, or every .onnx directly inside a directory (sorted). */
export async function findModels(path: string): Promise<string[]> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch {
    throw new ToolkitError('BENCH_MODELS_NOT_FOUND', `--models ${path}: no such file or directory`, {
      remedy: 'Point --models at an .onnx file or a directory holding .onnx modules.',
    });
  }
  if (info.isFile()) {
    if (!path.endsWith('.onnx')) {
      throw new ToolkitError('BENCH_MODELS_NOT_ONNX', `--models ${path} is not an .onnx file`, {
        remedy: 'Point --models at an .onnx file or a directory holding .onnx modules.',
      });
    }
    return [path];
  }
  const models = (await readdir(path))
    .filter((f) => f.endsWith('.onnx'))
    .sort()
    .map((f) => join(path, f));
  if (models.length === 0) {
    throw new ToolkitError('BENCH_MODELS_NOT_FOUND', `--models ${path} holds no .onnx file`, {
      remedy: 'Export the modules to ONNX first (one file per module), or point --models at the right directory.',
    });
  }
  return models;
}

/** Module name of a model file: its file name without `.onnx`. */
export const moduleName = (modelPath: string): string => basename(modelPath, '.onnx');
