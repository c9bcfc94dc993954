import { assertJsonKind, parseTrtJson } from './common.js';
import { parseError } from './errors.js';
import { onnxNodesFromLayerName } from './layer-names.js';

/** Element types as TensorRT reports them, normalised. */
export type TensorType =
  | 'fp32'
  | 'fp16'
  | 'bf16'
  | 'fp8'
  | 'fp4'
  | 'int4'
  | 'int8'
  | 'uint8'
  | 'int32'
  | 'int64'
  | 'bool'
  | 'unknown';

export interface LayerTensor {
  name: string;
  dataType: TensorType;
  dimensions?: number[];
  /** The format text as reported (10.x: "Format/Datatype"; 11.x: "Format"). */
  format?: string;
  location?: string;
}

/** One engine layer from `--exportLayerInfo`. */
export interface EngineLayer {
  name: string;
  layerType?: string;
  inputs: LayerTensor[];
  outputs: LayerTensor[];
  tacticName?: string;
  tacticValue?: string;
  /** The raw metadata string (ONNX node provenance). */
  metadata?: string;
  /** ONNX nodes this layer computes, in the order reported, without duplicates. */
  onnxNodes: string[];
  /**
   * Where `onnxNodes` came from: the layer's Metadata, or its name (no metadata). `none` when the layer computes
   * no ONNX node (reformatting layers, Myelin helper kernels, unnamed layers): see `noNodeReason`.
   */
  onnxNodesFrom: 'metadata' | 'layer-name' | 'none';
  noNodeReason?: string;
  /** Set when onnxNodes came from a `{ForeignNode[first...last]}` name: the two end nodes of the range. */
  foreignNodeRange?: [string, string];
}

export interface EngineIoTensor {
  name: string;
  mode?: string;
  dataType?: TensorType;
  dimensions?: number[];
}

export interface EngineLayerInfo {
  /** `names-only` when the engine was built without --profilingVerbosity=detailed: no types, no tactics. */
  verbosity: 'detailed' | 'names-only';
  layers: EngineLayer[];
  /** 10.x "Bindings" (names only) or 11.x "I/O Tensors". */
  ioTensors: EngineIoTensor[];
}

const TYPE_WORDS: [RegExp, TensorType][] = [
  [/\b(BF16|BFloat16|kBF16)\b/i, 'bf16'],
  [/\b(FP16|Half|kHALF)\b/i, 'fp16'],
  [/\b(FP32|Float|kFLOAT)\b/i, 'fp32'],
  [/\b(FP8|E4M3|kFP8)\b/i, 'fp8'],
  [/\b(FP4|E2M1|kFP4)\b/i, 'fp4'],
  [/\b(Int4|kINT4)\b/i, 'int4'],
  [/\b(UInt8|kUINT8)\b/i, 'uint8'],
  [/\b(Int8|kINT8)\b/i, 'int8'],
  [/\b(Int32|kINT32)\b/i, 'int32'],
  [/\b(Int64|kINT64)\b/i, 'int64'],
  [/\b(Bool|kBOOL)\b/i, 'bool'],
];

/** Reads the element type out of TensorRT's type or format text ("Row major linear FP32", "Half", ...). */
export function tensorTypeFromText(text: string | undefined): TensorType {
  if (!text) return 'unknown';
  for (const [re, type] of TYPE_WORDS) if (re.test(text)) return type;
  return 'unknown';
}

/**
 * ONNX node names from a layer's Metadata: `[ONNX Layer: name]` entries joined by U+001E (parts of a fused
 * layer) or U+001F (inside a Myelin kernel). One node can appear more than once; duplicates are dropped.
 */
export function onnxNodesFromMetadata(metadata: string): string[] {
  const nodes: string[] = [];
  for (const part of metadata.split(/[\u001e\u001f]/)) {
    const m = /^\s*\[ONNX Layer: (.*)\]\s*$/s.exec(part);
    if (m && !nodes.includes(m[1]!)) nodes.push(m[1]!);
  }
  return nodes;
}

function dims(value: unknown): number[] | undefined {
  return Array.isArray(value) && value.every((d) => typeof d === 'number') ? (value as number[]) : undefined;
}

function tensor(value: unknown, where: string): LayerTensor {
  if (typeof value !== 'object' || value === null) throw parseError('layers', `${where} is not an object`);
  const r = value as Record<string, unknown>;
  if (typeof r.Name !== 'string') throw parseError('layers', `${where} has no "Name"`);
  // 10.x folds type and format into "Format/Datatype"; 11.x splits them into "Format" and "DataType".
  const formatText =
    typeof r['Format/Datatype'] === 'string'
      ? (r['Format/Datatype'] as string)
      : typeof r.Format === 'string'
        ? r.Format
        : undefined;
  const typeText = typeof r.DataType === 'string' ? r.DataType : formatText;
  const t: LayerTensor = { name: r.Name, dataType: tensorTypeFromText(typeText) };
  const d = dims(r.Dimensions);
  if (d) t.dimensions = d;
  if (formatText) t.format = formatText;
  if (typeof r.Location === 'string') t.location = r.Location;
  return t;
}

function layer(value: unknown, index: number): EngineLayer {
  if (typeof value === 'string') {
    const l: EngineLayer = { name: value, inputs: [], outputs: [], onnxNodes: [], onnxNodesFrom: 'none' };
    nodesFromName(l);
    return l;
  }
  if (typeof value !== 'object' || value === null)
    throw parseError('layers', `layer ${index} is neither a name nor an object`);
  const r = value as Record<string, unknown>;
  if (typeof r.Name !== 'string') throw parseError('layers', `layer ${index} has no "Name"`);
  const list = (key: string) => {
    const v = r[key];
    if (v === undefined) return [];
    if (!Array.isArray(v)) throw parseError('layers', `layer "${r.Name}" has a "${key}" that is not an array`);
    return v.map((t, i) => tensor(t, `layer "${r.Name}" ${key}[${i}]`));
  };
  const l: EngineLayer = {
    name: r.Name,
    inputs: list('Inputs'),
    outputs: list('Outputs'),
    onnxNodes: [],
    onnxNodesFrom: 'none',
  };
  if (typeof r.LayerType === 'string') l.layerType = r.LayerType;
  if (typeof r.TacticName === 'string' && r.TacticName.length > 0) l.tacticName = r.TacticName;
  if (typeof r.TacticValue === 'string' || typeof r.TacticValue === 'number') l.tacticValue = String(r.TacticValue);
  if (typeof r.Metadata === 'string' && r.Metadata.length > 0) {
    l.metadata = r.Metadata;
    l.onnxNodes = onnxNodesFromMetadata(r.Metadata);
    if (l.onnxNodes.length > 0) l.onnxNodesFrom = 'metadata';
  }
  if (l.onnxNodes.length === 0) nodesFromName(l);
  return l;
}

/** Fills a layer's nodes from its name (no usable metadata). */
function nodesFromName(l: EngineLayer): void {
  const recovered = onnxNodesFromLayerName(l.name, l.layerType);
  l.onnxNodes = recovered.nodes;
  l.onnxNodesFrom = recovered.nodes.length > 0 ? 'layer-name' : 'none';
  if (recovered.range) l.foreignNodeRange = recovered.range;
  if (recovered.noNodeReason) l.noNodeReason = recovered.noNodeReason;
}

/**
 * Parses `trtexec --exportLayerInfo` (IEngineInspector JSON): `{ "Layers": [...], "Bindings": [...] }` in 10.x,
 * `{ "Layers": [...], "I/O Tensors": [...] }` in 11.x. Layers are names only unless the engine was built with
 * --profilingVerbosity=detailed.
 */
export function parseLayerInfo(text: string): EngineLayerInfo {
  const data = parseTrtJson(text, 'layers');
  assertJsonKind(data, 'layers');
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw parseError('layers', 'expected a JSON object with "Layers"');
  const r = data as Record<string, unknown>;
  if (!Array.isArray(r.Layers)) throw parseError('layers', 'no "Layers" array');
  const layers = r.Layers.map((l, i) => layer(l, i));
  const detailed = r.Layers.some((l) => typeof l === 'object' && l !== null);
  let ioTensors: EngineIoTensor[] = [];
  if (Array.isArray(r.Bindings)) {
    ioTensors = r.Bindings.filter((b): b is string => typeof b === 'string').map((name) => ({ name }));
  } else if (Array.isArray(r['I/O Tensors'])) {
    ioTensors = (r['I/O Tensors'] as unknown[]).map((t, i) => {
      const o = t as Record<string, unknown>;
      if (typeof o?.Name !== 'string') throw parseError('layers', `I/O tensor ${i} has no "Name"`);
      const io: EngineIoTensor = { name: o.Name };
      if (typeof o.IOMode === 'string') io.mode = o.IOMode;
      if (typeof o.DataType === 'string') io.dataType = tensorTypeFromText(o.DataType);
      const d = dims(o.Dimensions);
      if (d) io.dimensions = d;
      return io;
    });
  }
  return { verbosity: detailed ? 'detailed' : 'names-only', layers, ioTensors };
}
