import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { openRegularFile } from '@tamkit/common';
import { type EngineManifest, MANIFEST_FILE } from './cache/manifest.js';
import { loadModel } from './graph-surgery-glue.js';
import { decodeTrtexecBytes, detectTrtexecKind, looksBinary } from './parsers/detect.js';
import { parsingFile, wrongKindError } from './parsers/errors.js';
import { type EngineLayerInfo, parseLayerInfo } from './parsers/layer-info.js';
import { type PrecisionReport, reportLayerPrecisions } from './parsers/precision-report.js';
import { runTrtexec, type TrtexecLocation } from './trtexec/trtexec.js';

/** Options of `inspectEngine`. */
export interface InspectOptions extends TrtexecLocation {
  /** Nodes the plan pinned to FP32. Default: the resolved plan in the cache entry's manifest, if there is one. */
  pinnedFp32?: string[];
  /**
   * Model node names in graph order (expands ForeignNode ranges that lack metadata). Default: read from the model
   * a cache entry's manifest names, when that file is still there.
   */
  nodeOrder?: string[];
  timeoutMs?: number;
}

export interface InspectResult {
  /** Where the layer information came from. */
  source: 'layer-info-file' | 'cache-entry' | 'trtexec';
  info: EngineLayerInfo;
  report: PrecisionReport;
  manifest?: EngineManifest;
}

/**
 * Reads the file given to inspect: binary data is an engine (undefined is returned); text must be layer
 * information. Any other trtexec file, an empty file or UTF-16 text is refused with what the file is.
 */
async function layerInfoTextOrEngine(path: string): Promise<string | undefined> {
  // Only a regular file: a FIFO given as the engine would otherwise block this open (and trtexec) forever.
  const { handle, size } = await openRegularFile(path, 'engine or layer information');
  let bytes: Uint8Array;
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(4096), 0, 4096, 0);
    const head = buffer.subarray(0, bytesRead);
    if (looksBinary(head)) return undefined;
    bytes = size <= 4096 ? head : await handle.readFile();
  } finally {
    await handle.close();
  }
  return parsingFile(path, () => {
    const text = decodeTrtexecBytes(bytes, 'layers');
    const detected = detectTrtexecKind(text);
    if (detected.kind !== 'layers') {
      throw wrongKindError(
        'layers',
        detected.found,
        'inspect reads an engine or its layer information; `engine-builder parse` reads the other trtexec files',
      );
    }
    return text;
  });
}

async function siblingManifest(path: string): Promise<EngineManifest | undefined> {
  try {
    return JSON.parse(await readFile(join(dirname(path), MANIFEST_FILE), 'utf8')) as EngineManifest;
  } catch {
    return undefined;
  }
}

/** The node order of the model a cache entry was built from, if that file is still there and readable. */
async function nodeOrderOf(modelPath: string): Promise<string[] | undefined> {
  try {
    return (await loadModel(modelPath, { withData: false })).graph.nodes.map((n) => n.name);
  } catch {
    return undefined;
  }
}

/**
 * Reads what TensorRT chose for each layer of an engine: from a layer-information JSON, from the cache entry the
 * engine sits in, or by asking trtexec to export it. Reports per-layer precisions and plan violations.
 */
export async function inspectEngine(path: string, options: InspectOptions = {}): Promise<InspectResult> {
  const manifest = await siblingManifest(path);
  let info: EngineLayerInfo;
  let source: InspectResult['source'];
  const layerInfoText = await layerInfoTextOrEngine(path);
  if (layerInfoText !== undefined) {
    info = parsingFile(path, () => parseLayerInfo(layerInfoText));
    source = 'layer-info-file';
  } else if (manifest?.files?.layerInfo) {
    const file = join(dirname(path), manifest.files.layerInfo);
    const text = await readFile(file, 'utf8');
    info = parsingFile(file, () => parseLayerInfo(text));
    source = 'cache-entry';
  } else {
    const work = await mkdtemp(join(tmpdir(), 'engine-builder-inspect-'));
    try {
      const out = join(work, 'layers.json');
      await runTrtexec(
        [`--loadEngine=${path}`, '--profilingVerbosity=detailed', `--exportLayerInfo=${out}`, '--skipInference'],
        {
          ...options,
        },
      );
      const text = await readFile(out, 'utf8');
      info = parsingFile(out, () => parseLayerInfo(text));
      source = 'trtexec';
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }
  const pinned = options.pinnedFp32 ?? manifest?.resolvedPlan?.fp32Nodes ?? [];
  const nodeOrder = options.nodeOrder ?? (manifest ? await nodeOrderOf(manifest.model.path) : undefined);
  const result: InspectResult = { source, info, report: reportLayerPrecisions(info, pinned, nodeOrder) };
  if (manifest) result.manifest = manifest;
  return result;
}
