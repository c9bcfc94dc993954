/**
 * Reading and writing `.onnx` files, with their external data.
 *
 * After `readModel`, every tensor's bytes are in memory (`rawData`) unless `loadExternalData: false`; tensors
 * that came from external files remember where (see `externalOrigin`), so `writeModel` puts them back in an
 * external file by default: loading and saving with no edits keeps the model's layout.
 */
import { closeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { openRegularFileSync, readRangeSync, readRegularFile, ToolkitError } from '@tamkit/common';
import { decodeMessage, encodeMessage, WireFormatError } from './codec.js';
import { EXTERNAL, externalRef, resolveExternalPath } from './external-data.js';
import type { ModelProto, TensorProto } from './types.js';
import { visitModelTensors } from './walk.js';

const origins = new WeakMap<TensorProto, { location: string; file: string }>();

/** The external file a tensor was loaded from, if any. */
export function externalOrigin(tensor: TensorProto): string | undefined {
  return origins.get(tensor)?.location;
}

export interface ReadModelOptions {
  /** Read external tensor data into memory (default true). With false, external tensors stay references. */
  loadExternalData?: boolean;
}

/** Decodes model bytes; `where` names the source in error messages. */
export function decodeModel(bytes: Uint8Array, where = '<bytes>'): ModelProto {
  let model: ModelProto;
  try {
    model = decodeMessage<ModelProto>('ModelProto', bytes);
  } catch (error) {
    if (error instanceof WireFormatError) {
      throw new ToolkitError(
        'ONNX_MALFORMED',
        `${where}: not a valid ONNX model: ${error.message} (byte ${error.offset})`,
        {
          remedy: 'The file is truncated or is not an ONNX ModelProto; re-export it or check the path.',
          cause: error,
        },
      );
    }
    throw error;
  }
  if (!model.graph) {
    throw new ToolkitError('ONNX_NO_GRAPH', `${where}: decodes as protobuf but holds no ONNX graph`, {
      remedy: 'Check that the file is an ONNX model (a ModelProto with a graph), not another protobuf.',
    });
  }
  return model;
}

/** Encodes a model whose tensors are all embedded. */
export function encodeModel(model: ModelProto): Uint8Array {
  return encodeMessage('ModelProto', model);
}

/** Reads an `.onnx` file and, by default, its external data. Only regular files are read (a FIFO is refused). */
export async function readModel(path: string, options: ReadModelOptions = {}): Promise<ModelProto> {
  return modelFromFileBytes(await readRegularFile(path, 'ONNX model'), path, options);
}

/**
 * As `readModel`, for a caller that read the file at `path` itself (`readRegularFile`), e.g. while this module
 * was still loading: decodes `bytes` and loads the external data they name from beside `path`.
 */
export function modelFromFileBytes(bytes: Uint8Array, path: string, options: ReadModelOptions = {}): ModelProto {
  const model = decodeModel(bytes, path);
  if (options.loadExternalData ?? true) loadExternalData(model, dirname(resolve(path)), path);
  return model;
}

/**
 * Checks that a model file and every external data file it names are regular files (and that the data files stay
 * inside the model's folder), reading no tensor data: for callers that hand the path to a runtime (ONNX Runtime,
 * trtexec), which would block forever opening a FIFO. Throws NOT_A_FILE, FILE_NOT_FOUND or ONNX_EXTERNAL_DATA_*; a
 * file that does not decode as ONNX passes (the runtime reports that).
 */
export async function assertModelFilesReadable(path: string): Promise<void> {
  let model: ModelProto;
  try {
    model = decodeModel(await readRegularFile(path, 'ONNX model'), path);
  } catch (error) {
    // A file that is not an ONNX model is the runtime's to report, in its own words; only the file kind is ours.
    if (error instanceof ToolkitError && (error.code === 'ONNX_MALFORMED' || error.code === 'ONNX_NO_GRAPH')) return;
    throw error;
  }
  const modelDir = dirname(resolve(path));
  const checked = new Set<string>();
  visitModelTensors(model, (tensor) => {
    if (tensor.dataLocation !== EXTERNAL) return;
    const file = resolveExternalPath(modelDir, externalRef(tensor, path).location, path);
    if (checked.has(file)) return;
    checked.add(file);
    closeSync(openRegularFileSync(file, `external data of ${path}`).fd);
  });
}

/** Reads external tensor bytes into `rawData` (in place: used on freshly decoded models). */
export function loadExternalData(model: ModelProto, modelDir: string, where: string): void {
  const handles = new Map<string, { fd: number; size: number }>();
  try {
    visitModelTensors(model, (tensor) => {
      if (tensor.dataLocation !== EXTERNAL) return;
      const ref = externalRef(tensor, where);
      const file = resolveExternalPath(modelDir, ref.location, where);
      let handle = handles.get(file);
      if (!handle) {
        handle = openRegularFileSync(file, `external data of ${where}`);
        handles.set(file, handle);
      }
      const length = ref.length ?? handle.size - ref.offset;
      if (ref.offset + length > handle.size || length < 0) {
        throw new ToolkitError(
          'ONNX_EXTERNAL_DATA',
          `${where}: tensor "${tensor.name ?? ''}" wants bytes ${ref.offset}..${ref.offset + length} of "${ref.location}", which has ${handle.size}`,
          { remedy: 'The external data file is truncated or belongs to another model; re-export it.' },
        );
      }
      tensor.rawData = readRangeSync(handle.fd, ref.offset, length, `${where}: tensor "${tensor.name ?? ''}"`);
      tensor.externalData = [];
      tensor.dataLocation = undefined;
      origins.set(tensor, { location: ref.location, file });
    });
  } finally {
    for (const { fd } of handles.values()) closeSync(fd);
  }
}

export { type WriteModelOptions, type WrittenModel, writeModel } from './model-write.js';
