/**
 * A lossless, schema-driven protobuf codec for ONNX messages.
 *
 * The schema (schema.ts) is read by protobufjs ahead of time into a table of message specs (message-specs.ts);
 * this module walks messages by those specs with its own wire reader (wire-reader.ts) and encoder (encoder.ts),
 * because protobufjs's generated decoders drop unknown fields, turn int64 into Long objects and copy `bytes`.
 * Here: unknown fields are kept as raw wire bytes and written back verbatim, int64 becomes a number or (when not
 * a safe integer) a bigint, `bytes` fields are zero-copy views of the input buffer, and optional-field presence
 * is preserved.
 */
import { encodeChunks } from './encoder.js';
import { type FieldSpec, type MessageSpec, messageSpec } from './message-specs.js';
import type { Int64 } from './types.js';
import { WireReader } from './wire-reader.js';

/** Nesting depth past which a message is refused (a malicious file could otherwise overflow the stack). */
const MAX_DEPTH = 64;

/** Thrown for bytes that are not a valid encoding of the message; the caller adds the file name. */
export class WireFormatError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Decoding

function toInt64(raw: bigint | number, signed: boolean): Int64 {
  if (typeof raw === 'number') return raw;
  const v = signed ? BigInt.asIntN(64, raw) : raw;
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/** One value of a scalar field. The cases run in order, so the kinds ONNX uses most come first. */
function readScalar(r: WireReader, kind: FieldSpec['kind']): unknown {
  switch (kind) {
    case 'string':
      return r.string();
    case 'int64':
      return toInt64(r.varint64(), true);
    case 'bytes':
      return r.bytes();
    case 'int32':
    case 'enum':
      return r.uint32() | 0;
    case 'float':
      return r.float();
    case 'uint64':
      return toInt64(r.varint64(), false);
    case 'sint64': {
      const raw = BigInt(r.varint64());
      return toInt64((raw >> 1n) ^ -(raw & 1n), false);
    }
    case 'fixed64':
      return toInt64(r.fixed64(false), false);
    case 'sfixed64':
      return toInt64(r.fixed64(true), false);
    case 'uint32':
      return r.uint32();
    case 'sint32': {
      const raw = r.uint32();
      return (raw >>> 1) ^ -(raw & 1);
    }
    case 'fixed32':
      return r.fixed32();
    case 'sfixed32':
      return r.sfixed32();
    case 'bool':
      return r.uint32() !== 0;
    case 'double':
      return r.double();
    default:
      throw new Error(`not a scalar: ${kind}`);
  }
}

function newMessage(spec: MessageSpec): Record<string, unknown> {
  const obj: Record<string, unknown> = {};
  // Indexed: decoding runs mostly unoptimised (once per process), where for-of's iterator protocol is costly.
  const names = spec.repeatedNames;
  for (let i = 0; i < names.length; i++) obj[names[i]!] = [];
  return obj;
}

/** Keeps a field this schema does not know (or knows with another wire type) as its raw bytes. */
function keepUnknown(r: WireReader, obj: Record<string, unknown>, start: number, wire: number, end: number): void {
  r.skip(wire);
  if (r.pos > end) throw new RangeError('field runs past the end of its message');
  let unknown = obj.$unknown as Uint8Array[] | undefined;
  if (!unknown) {
    unknown = [];
    obj.$unknown = unknown;
  }
  unknown.push(r.buf.subarray(start, r.pos));
}

function readPacked(r: WireReader, f: FieldSpec, list: unknown[], end: number): void {
  const len = r.uint32();
  const subEnd = r.pos + len;
  if (subEnd > end) throw new RangeError(`packed field of length ${len} runs past the end`);
  while (r.pos < subEnd) list.push(readScalar(r, f.kind));
  if (r.pos !== subEnd) throw new RangeError('packed field ends inside an element');
}

function decodeInto(r: WireReader, spec: MessageSpec, end: number, depth: number): Record<string, unknown> {
  if (depth > MAX_DEPTH) throw new WireFormatError(`messages nested deeper than ${MAX_DEPTH} levels`, r.pos);
  const obj = newMessage(spec);
  const byNumber = spec.byNumber;
  while (r.pos < end) {
    const start = r.pos;
    const tag = r.uint32();
    const id = tag >>> 3;
    if (id === 0) throw new WireFormatError('field number 0 is not valid', start);
    const f = byNumber[id];
    if (f === undefined || tag !== f.tag) {
      // A packed repeated field in its packed form; otherwise an unknown field, or a known number with a wire
      // type this schema does not expect: kept verbatim.
      if (f?.packed && (tag & 7) === 2) readPacked(r, f, obj[f.name] as unknown[], end);
      else keepUnknown(r, obj, start, tag & 7, end);
      continue;
    }
    let value: unknown;
    if (f.kind === 'message') {
      const len = r.uint32();
      const subEnd = r.pos + len;
      if (subEnd > end) throw new RangeError(`message of length ${len} runs past the end`);
      value = decodeInto(r, f.message!, subEnd, depth + 1);
      r.pos = subEnd;
    } else {
      value = f.kind === 'string' ? r.string() : readScalar(r, f.kind);
      if (r.pos > end) throw new RangeError('field runs past the end of its message');
    }
    if (f.repeated) (obj[f.name] as unknown[]).push(value);
    else obj[f.name] = value;
  }
  if (r.pos !== end) throw new RangeError('last field runs past the end of its message');
  return obj;
}

/**
 * Decodes `bytes` as the ONNX message `name`. Throws `WireFormatError` (with the byte offset) for malformed
 * input; never loops forever: every step consumes at least one byte or fails.
 */
export function decodeMessage<T>(name: string, bytes: Uint8Array): T {
  const r = new WireReader(bytes);
  try {
    return decodeInto(r, messageSpec(name), r.len, 0) as T;
  } catch (error) {
    if (error instanceof WireFormatError) throw error;
    throw new WireFormatError(error instanceof Error ? error.message : String(error), r.pos);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Encoding: see encoder.ts

/** Encodes an ONNX message object (as `decodeMessage` returns it, or built by hand) into one buffer. */
export function encodeMessage(name: string, obj: object): Uint8Array {
  const { chunks, size } = encodeChunks(messageSpec(name), obj);
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
}

/** Encodes an ONNX message as chunks that share the caller's large byte buffers (see encoder.ts). */
export function encodeMessageChunks(name: string, obj: object): { chunks: Uint8Array[]; size: number } {
  return encodeChunks(messageSpec(name), obj);
}
