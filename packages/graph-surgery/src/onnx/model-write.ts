/**
 * Writing `.onnx` files with their external data, so that a model and its data are replaced as a pair.
 *
 * The guarantee: external data files are named by their content and by the model they belong to
 * (`<base>.<16 hex digits>.<ext>`), written (temp file, then rename) before the model, and the model is renamed
 * into place last. A name is never shared by two different contents or two output models, so writing never
 * replaces a data file that another model reads, and the model at the output path always reads the data it was
 * written with. The data files the replaced model used, when they carry such a name and the new model no longer
 * uses them, are removed only after the new model is in place. A process killed at any step leaves the old pair
 * or the new pair, plus at most a hidden `.tmp` file and one data file nothing refers to (reused by a rerun that
 * writes the same content). `test/write-kill.test.ts` kills a child process at each step to hold this.
 */
import { createHash } from 'node:crypto';
import { readdir, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { openRegularFile, publishTempFile, readRegularFile, ToolkitError, writeTempFile } from '@tamkit/common';
import { encodeMessageChunks } from './codec.js';
import { EXTERNAL, externalEntries } from './external-data.js';
import { decodeModel, externalOrigin } from './model-io.js';
import type { ModelProto, TensorProto } from './types.js';
import { visitModelTensors } from './walk.js';

/** Protobuf's hard limit on a serialised message: larger models must keep weights in external data. */
export const PROTOBUF_LIMIT = 2 ** 31 - 1;
const ALIGN = 4096;
/** `<base>.<16 hex>` with an optional extension: the names `writeModel` gives data files. */
const CONTENT_NAMED = /^.+\.[0-9a-f]{16}(\.[^.]+)?$/;

export interface WriteModelOptions {
  /**
   * Where tensor data goes. `preserve` (default): tensors loaded from external files go back to external files
   * next to the output (one per file they came from, named `<output name>.<hash>.data`); the rest are embedded.
   * An object: every tensor of at least `sizeThreshold` bytes (default 1024) goes to one file next to the output
   * named after `location` with a hash inserted before its extension (`weights.data` -> `weights.<hash>.data`);
   * initializers only unless `includeAttributes` (ONNX Runtime cannot read external data of Constant/attribute
   * tensors, which shape inference needs at load time). `embed`: all inline.
   */
  externalData?: 'preserve' | 'embed' | { location: string; sizeThreshold?: number; includeAttributes?: boolean };
  /**
   * Called after each step of the write with its name (`data-temp:<file>`, `data:<file>`, `model-temp`, `model`,
   * `removed:<file>`). A test hook: crash-safety tests kill the process at a chosen step. Default none.
   */
  onStep?: (step: string) => void;
}

/** What `writeModel` wrote. */
export interface WrittenModel {
  path: string;
  /** External data files the model refers to (names next to it), whether written now or already there. */
  dataFiles: string[];
  /** Data files of the replaced model that were removed (nothing else refers to them through this output). */
  removed: string[];
}

interface Placement {
  tensor: TensorProto;
  group: string;
  saved: Pick<TensorProto, 'rawData' | 'dataLocation' | 'externalData'>;
}

interface DataFile {
  chunks: Uint8Array[];
  size: number;
  contentSha: string;
  name: string;
}

const stemOf = (path: string) => basename(path).replace(/\.onnx$/i, '');

/** `weights.data` + hash -> `weights.<hash>.data`; `weights` -> `weights.<hash>`. */
function contentName(base: string, hash: string): string {
  const dot = base.lastIndexOf('.');
  return dot > 0 ? `${base.slice(0, dot)}.${hash}${base.slice(dot)}` : `${base}.${hash}`;
}

function checkPlainName(location: string): void {
  if (basename(location) !== location || location === '' || location === '.' || location === '..') {
    throw new ToolkitError('ONNX_EXTERNAL_DATA', `external data location "${location}" must be a plain file name`, {
      remedy: 'Give a file name without folders; it is written next to the output model.',
    });
  }
}

/** Chooses which tensors go to which external file (by group name), leaving the model untouched. */
function placeTensors(model: ModelProto, options: WriteModelOptions): Placement[] {
  const mode = options.externalData ?? 'preserve';
  if (typeof mode === 'object') checkPlainName(mode.location);
  const placements: Placement[] = [];
  visitModelTensors(model, (tensor, where) => {
    if (!tensor.rawData) return;
    let group: string | undefined;
    if (mode === 'preserve') {
      const origin = externalOrigin(tensor);
      if (origin !== undefined) group = origin;
    } else if (
      mode !== 'embed' &&
      tensor.rawData.byteLength >= (mode.sizeThreshold ?? 1024) &&
      (mode.includeAttributes || /\/(sparse_)?initializer/.test(where))
    ) {
      group = mode.location;
    }
    if (group === undefined) return;
    placements.push({
      tensor,
      group,
      saved: { rawData: tensor.rawData, dataLocation: tensor.dataLocation, externalData: tensor.externalData },
    });
  });
  return placements;
}

/**
 * Lays the placed tensors out in their files (4 KiB aligned), names each file by its content and the output's
 * name, and points the tensors at it. The tensors are changed: the caller restores `saved`.
 */
function layOutFiles(placements: Placement[], path: string, options: WriteModelOptions): Map<string, DataFile> {
  const groups = new Map<string, { chunks: Uint8Array[]; size: number; members: [Placement, number][] }>();
  for (const p of placements) {
    const group = groups.get(p.group) ?? { chunks: [], size: 0, members: [] };
    groups.set(p.group, group);
    const pad = (ALIGN - (group.size % ALIGN)) % ALIGN;
    if (pad) group.chunks.push(new Uint8Array(pad));
    const offset = group.size + pad;
    const data = p.saved.rawData!;
    group.chunks.push(data);
    group.size = offset + data.byteLength;
    group.members.push([p, offset]);
  }
  const mode = options.externalData ?? 'preserve';
  const base = typeof mode === 'object' ? mode.location : `${stemOf(path)}.data`;
  const files = new Map<string, DataFile>();
  for (const group of groups.values()) {
    const content = createHash('sha256');
    for (const c of group.chunks) content.update(c);
    const contentSha = content.digest('hex');
    // The output's name is part of the hash: two output models never share (and so never remove) a data file.
    const owner = createHash('sha256')
      .update(`${basename(path)}\0${contentSha}`)
      .digest('hex')
      .slice(0, 16);
    const name = contentName(base, owner);
    files.set(name, { chunks: group.chunks, size: group.size, contentSha, name });
    for (const [p, offset] of group.members) {
      p.tensor.rawData = undefined;
      p.tensor.dataLocation = EXTERNAL;
      p.tensor.externalData = externalEntries(name, offset, p.saved.rawData!.byteLength);
    }
  }
  return files;
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

/** True when `file` already holds exactly this content (a rerun writing the same data). */
async function holdsContent(file: string, data: DataFile): Promise<boolean> {
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile() || info.size !== data.size) return false;
  const { handle } = await openRegularFile(file, 'external data');
  try {
    const hash = createHash('sha256');
    for await (const chunk of handle.createReadStream({ autoClose: false })) hash.update(chunk as Buffer);
    return hash.digest('hex') === data.contentSha;
  } finally {
    await handle.close();
  }
}

/** The content-named data files the model now at `path` refers to (none when there is no readable model). */
async function dataFilesOf(path: string): Promise<string[]> {
  // Only files in the output's folder are ever removed: with no content-named file there, there is nothing to
  // find, and reading (and decoding) the previous model, as large as the new one when embedded, is skipped.
  const siblings = await readdir(dirname(resolve(path))).catch(() => []);
  if (!siblings.some((name) => CONTENT_NAMED.test(name))) return [];
  let model: ModelProto;
  try {
    model = decodeModel(await readRegularFile(path, 'previous output'), path);
  } catch {
    return [];
  }
  const names = new Set<string>();
  visitModelTensors(model, (t) => {
    if (t.dataLocation !== EXTERNAL) return;
    const location = t.externalData.find((e) => e.key === 'location')?.value;
    if (location && basename(location) === location && CONTENT_NAMED.test(location)) names.add(location);
  });
  return [...names];
}

/**
 * Writes a model and its external data files so that they are replaced as a pair (see the file comment); the
 * model object is left as it was.
 */
export async function writeModel(
  model: ModelProto,
  path: string,
  options: WriteModelOptions = {},
): Promise<WrittenModel> {
  const step = options.onStep ?? (() => undefined);
  // What the model now at `path` uses is found (on the thread pool) while this one is encoded. Data files written
  // below cannot change it: they are new names, which the old model does not refer to.
  const previousFiles = dataFilesOf(path);
  previousFiles.catch(() => undefined);
  const placements = placeTensors(model, options);
  let files: Map<string, DataFile>;
  let bytes: Uint8Array[];
  try {
    files = layOutFiles(placements, path, options);
    bytes = encodeSized(model);
  } finally {
    for (const p of placements) Object.assign(p.tensor, p.saved);
  }
  const outDir = dirname(resolve(path));
  for (const name of files.keys()) {
    if (resolve(outDir, name) === resolve(path)) {
      throw new ToolkitError('ONNX_EXTERNAL_DATA', `external data file "${name}" would overwrite the model itself`, {
        remedy: 'Choose another external data file name.',
      });
    }
  }
  // Data first, each under a name no other content or output uses: the old model keeps reading its own files.
  for (const file of files.values()) {
    const target = join(outDir, file.name);
    if (await holdsContent(target, file)) continue;
    const temp = await writeTempFile(target, file.chunks);
    step(`data-temp:${file.name}`);
    await publishTempFile(temp, target);
    step(`data:${file.name}`);
  }
  const previous = await previousFiles;
  const temp = await writeTempFile(path, bytes);
  step('model-temp');
  await publishTempFile(temp, path);
  step('model');
  const removed: string[] = [];
  for (const name of previous) {
    if (files.has(name)) continue;
    await rm(join(outDir, name), { force: true });
    removed.push(name);
    step(`removed:${name}`);
  }
  return { path, dataFiles: [...files.keys()], removed };
}
