/**
 * What the crash probe's parent hands its child process and what the child answers: the model and the feeds go
 * through files (feeds can be megabytes), the session options as JSON, the answer as one JSON line on stdout.
 * A child that dies before answering is the verdict the probe exists for.
 */
import type { InferenceSession } from 'onnxruntime-node';
import type { Feeds } from '../types.js';

export interface CrashProbeRequest {
  /** Directory of the onnxruntime-node package to load (the one the parent loads). */
  ortPackage: string;
  /** The model file to run (the parent's file, or the bytes it runs written to a temporary file). */
  model: string;
  /** The parent's session options (plain JSON: providers by name, levels, `extra` config entries). */
  sessionOptions: InferenceSession.SessionOptions;
  /**
   * A file written by `encodeFeeds`. Absent: the child only creates the session (ONNX Runtime's graph
   * optimisations run there, and can crash too) and releases it.
   */
  feeds?: string;
}

export interface CrashProbeReply {
  /** The session started and ran the feeds once. */
  ran: boolean;
  /** What onnxruntime-node threw instead (a JavaScript error, not a crash). */
  error?: string;
}

/** Element types the feeds file carries, with the typed array that holds each. */
const ARRAYS = {
  float32: Float32Array,
  float64: Float64Array,
  float16: Uint16Array,
  int8: Int8Array,
  uint8: Uint8Array,
  bool: Uint8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  int64: BigInt64Array,
  uint64: BigUint64Array,
} as const;
export type ProbeElementType = keyof typeof ARRAYS;

interface FeedHeader {
  name: string;
  type: ProbeElementType;
  dims: number[];
  offset: number;
  bytes: number;
}

/** Whether every feed is a host tensor of a type the feeds file carries (device tensors cannot be copied here). */
export function canEncodeFeeds(feeds: Feeds): boolean {
  return Object.values(feeds).every((t) => t.location === 'cpu' && t.type in ARRAYS);
}

/** Feeds as one buffer: a little-endian u32 header length, the JSON header, then each tensor's bytes. */
export function encodeFeeds(feeds: Feeds): Uint8Array {
  const headers: FeedHeader[] = [];
  const parts: Uint8Array[] = [];
  let offset = 0;
  for (const [name, tensor] of Object.entries(feeds)) {
    const data = tensor.data as ArrayBufferView;
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    headers.push({ name, type: tensor.type as ProbeElementType, dims: [...tensor.dims], offset, bytes: bytes.length });
    parts.push(bytes);
    offset += bytes.length;
  }
  const header = new TextEncoder().encode(JSON.stringify(headers));
  const out = new Uint8Array(4 + header.length + offset);
  new DataView(out.buffer).setUint32(0, header.length, true);
  out.set(header, 4);
  let at = 4 + header.length;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** The tensors of a feeds file as (type, typed array, dims), for `new ort.Tensor(...)`. */
export function decodeFeeds(
  buffer: Uint8Array,
): { name: string; type: ProbeElementType; data: ArrayBufferView; dims: number[] }[] {
  const length = new DataView(buffer.buffer, buffer.byteOffset).getUint32(0, true);
  const headers = JSON.parse(new TextDecoder().decode(buffer.subarray(4, 4 + length))) as FeedHeader[];
  const base = 4 + length;
  return headers.map((h) => {
    const View = ARRAYS[h.type];
    // A copy, so the typed array is aligned whatever the header length was.
    const bytes = buffer.slice(base + h.offset, base + h.offset + h.bytes);
    return {
      name: h.name,
      type: h.type,
      dims: h.dims,
      data: new View(bytes.buffer, 0, h.bytes / View.BYTES_PER_ELEMENT),
    };
  });
}
