/**
 * Reading and writing `.onnx` files, with their external data.
 *
 * After `readModel`, every tensor's bytes are in memory (`rawData`) unless `loadExternalData: false`; tensors
 * that came from external files remember where (see `externalOrigin`), so `writeModel` puts them back in an
 * external file by default: loading and saving with no edits keeps the model's layout.
 */
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { ToolkitError, tempPathFor, writeFileAtomic } from '@tamkit/common';
import { decodeMessage, encodeMessage, encodeMessageChunks, WireFormatError } from './codec.js';
import { EXTERNAL, externalEntries, externalRef, resolveExternalPath } from './external-data.js';
import type { ModelProto, TensorProto } from './types.js';
import { visitModelTensors } from './walk.js';

/** Protobuf's hard limit on a serialised message: larger models must keep weights in external data. */
export const PROTOBUF_LIMIT = 2 ** 31 - 1;
const ALIGN = 4096;

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

function statOrThrow(path: string) {
  try {
    return statSync(path);
  } catch {
    throw new ToolkitError('FILE_NOT_FOUND', `${path}: no such file`, { remedy: 'Check the path.' });
  }
}

/** Reads an `.onnx` file and, by default, its external data. */
export async function readModel(path: string, options: ReadModelOptions = {}): Promise<ModelProto> {
  const stat = statOrThrow(path);
  if (!stat.isFile()) {
    throw new ToolkitError('NOT_A_FILE', `${path}: is a directory, not an .onnx file`, {
      remedy: 'Name the model file itself.',
    });
  }
  const bytes = await readFile(path);
  const model = decodeModel(bytes, path);
  if (options.loadExternalData ?? true) loadExternalData(model, dirname(resolve(path)), path);
  return model;
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
        const fd = openSync(file, 'r');
        handle = { fd, size: fstatSync(fd).size };
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
      const data = Buffer.allocUnsafe(length);
      let done = 0;
      while (done < length) {
        const n = readSync(handle.fd, data, done, length - done, ref.offset + done);
        if (n === 0) break;
        done += n;
      }
      tensor.rawData = data;
      tensor.externalData = [];
      tensor.dataLocation = undefined;
      origins.set(tensor, { location: ref.location, file });
    });
  } finally {
    for (const { fd } of handles.values()) closeSync(fd);
  }
}

export interface WriteModelOptions {
  /**
   * Where tensor data goes. `preserve` (default): tensors loaded from external files go back to an external
   * file of the same name next to the output; the rest are embedded. An object: every tensor of at least
   * `sizeThreshold` bytes (default 1024) goes to `location` (a file name next to the output); initializers
   * only unless `includeAttributes` (ONNX Runtime cannot read external data of Constant/attribute tensors,
   * which shape inference needs at load time). `embed`: all inline.
   */
  externalData?: 'preserve' | 'embed' | { location: string; sizeThreshold?: number; includeAttributes?: boolean };
}

interface Placement {
  tensor: TensorProto;
  location: string;
  saved: Pick<TensorProto, 'rawData' | 'dataLocation' | 'externalData'>;
}

/** Writes a model (and its external data files) atomically; the model object is left as it was. */
export async function writeModel(model: ModelProto, path: string, options: WriteModelOptions = {}): Promise<void> {
  const mode = options.externalData ?? 'preserve';
  const placements: Placement[] = [];
  visitModelTensors(model, (tensor, where) => {
    if (!tensor.rawData) return;
    let location: string | undefined;
    if (mode === 'preserve') location = preservedLocation(tensor, path);
    else if (
      mode !== 'embed' &&
      tensor.rawData.byteLength >= (mode.sizeThreshold ?? 1024) &&
      (mode.includeAttributes || /\/(sparse_)?initializer/.test(where))
    ) {
      location = mode.location;
    }
    if (location === undefined) return;
    placements.push({
      tensor,
      location,
      saved: { rawData: tensor.rawData, dataLocation: tensor.dataLocation, externalData: tensor.externalData },
    });
  });
  const files = new Map<string, { chunks: Uint8Array[]; size: number }>();
  for (const p of placements) {
    if (basename(p.location) !== p.location) {
      throw new ToolkitError('ONNX_EXTERNAL_DATA', `external data location "${p.location}" must be a plain file name`, {
        remedy: 'Give a file name without folders; it is written next to the output model.',
      });
    }
    const file = files.get(p.location) ?? { chunks: [], size: 0 };
    files.set(p.location, file);
    const pad = (ALIGN - (file.size % ALIGN)) % ALIGN;
    if (pad) file.chunks.push(new Uint8Array(pad));
    const offset = file.size + pad;
    const data = p.saved.rawData!;
    file.chunks.push(data);
    file.size = offset + data.byteLength;
    p.tensor.rawData = undefined;
    p.tensor.dataLocation = EXTERNAL;
    p.tensor.externalData = externalEntries(p.location, offset, data.byteLength);
  }
  let bytes: Uint8Array[];
  try {
    bytes = encodeSized(model);
  } finally {
    for (const p of placements) Object.assign(p.tensor, p.saved);
  }
  const outDir = dirname(resolve(path));
  for (const location of files.keys()) {
    if (resolve(outDir, location) === resolve(path)) {
      throw new ToolkitError(
        'ONNX_EXTERNAL_DATA',
        `external data file "${location}" would overwrite the model itself`,
        {
          remedy: 'Choose another external data file name.',
        },
      );
    }
  }
  // Data files first: a model file never appears without the data it points at.
  for (const [location, file] of files) await writeFileAtomic(resolve(outDir, location), file.chunks);
  await writeFileAtomic(path, bytes);
}

/**
 * The external file name a loaded tensor goes back to. Never the very file it was read from unless the model
 * itself is written in place: editing a copy must not rewrite the original's data.
 */
function preservedLocation(tensor: TensorProto, outPath: string): string | undefined {
  const origin = origins.get(tensor);
  if (!origin) return undefined;
  const target = resolve(dirname(resolve(outPath)), origin.location);
  if (target !== origin.file) return origin.location;
  const renamed = `${basename(outPath).replace(/\.onnx$/i, '')}.data`;
  return resolve(dirname(resolve(outPath)), renamed) === origin.file ? `${renamed}.copy` : renamed;
}

function encodeSized(model: ModelProto): Uint8Array[] {
  let size = 0;
  visitModelTensors(model, (t) => {
    size += t.rawData?.byteLength ?? 0;
  });
  if (size > PROTOBUF_LIMIT) {
    throw new ToolkitError(
      'ONNX_TOO_LARGE',
      `the model holds ${(size / 2 ** 30).toFixed(2)} GiB of embedded tensor data, over protobuf's 2 GiB limit`,
      {
        remedy: 'Write it with external data (graph-surgery convert --external-data model.data).',
      },
    );
  }
  return encodeMessageChunks('ModelProto', model).chunks;
}

export { tempPathFor };
