/**
 * A lossless, schema-driven protobuf codec for ONNX messages, built on protobufjs.
 *
 * protobufjs reads the schema (schema.ts) and supplies the wire primitives (Reader/Writer); this module walks
 * messages itself because protobufjs's generated decoders drop unknown fields, turn int64 into Long objects and
 * copy `bytes`. Here: unknown fields are kept as raw wire bytes and written back verbatim, int64 becomes a
 * number or (when not a safe integer) a bigint, `bytes` fields are zero-copy views of the input buffer, and
 * optional-field presence is preserved.
 */
import protobuf from 'protobufjs/minimal.js';
import { encodeChunks } from './encoder.js';
import { type FieldSpec, type MessageSpec, messageSpec } from './message-specs.js';
import type { Int64 } from './types.js';

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

function readVarint64(r: protobuf.Reader): bigint | number {
  const buf = r.buf;
  let pos = r.pos;
  let low = 0;
  let shift = 0;
  // Fast path: up to 7 bytes (49 bits) accumulate exactly in a double.
  for (; shift < 49; shift += 7) {
    if (pos >= r.len) throw new RangeError('varint runs past the end');
    const b = buf[pos++]!;
    low += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) {
      r.pos = pos;
      return low;
    }
  }
  let big = BigInt(low);
  for (; shift < 70; shift += 7) {
    if (pos >= r.len) throw new RangeError('varint runs past the end');
    const b = buf[pos++]!;
    big |= BigInt(b & 0x7f) << BigInt(shift);
    if (b < 0x80) {
      r.pos = pos;
      return BigInt.asUintN(64, big);
    }
  }
  throw new RangeError('varint longer than 10 bytes');
}

function toInt64(raw: bigint | number, signed: boolean): Int64 {
  if (typeof raw === 'number') return raw;
  const v = signed ? BigInt.asIntN(64, raw) : raw;
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

function readFixed64(r: protobuf.Reader, signed: boolean): Int64 {
  if (r.pos + 8 > r.len) throw new RangeError('fixed64 runs past the end');
  const view = new DataView(r.buf.buffer, r.buf.byteOffset + r.pos, 8);
  r.pos += 8;
  const v = signed ? view.getBigInt64(0, true) : view.getBigUint64(0, true);
  return toInt64(v, false);
}

function readScalar(r: protobuf.Reader, kind: FieldSpec['kind']): unknown {
  switch (kind) {
    case 'int64':
      return toInt64(readVarint64(r), true);
    case 'uint64':
      return toInt64(readVarint64(r), false);
    case 'sint64': {
      const raw = BigInt(readVarint64(r));
      return toInt64((raw >> 1n) ^ -(raw & 1n), false);
    }
    case 'fixed64':
      return readFixed64(r, false);
    case 'sfixed64':
      return readFixed64(r, true);
    case 'int32':
    case 'enum':
      return r.int32();
    case 'uint32':
      return r.uint32();
    case 'sint32':
      return r.sint32();
    case 'fixed32':
      return r.fixed32();
    case 'sfixed32':
      return r.sfixed32();
    case 'bool':
      return r.bool();
    case 'float':
      return r.float();
    case 'double':
      return r.double();
    case 'string':
      return r.string();
    case 'bytes':
      return readBytes(r);
    default:
      throw new Error(`not a scalar: ${kind}`);
  }
}

/** A view into the input, never a copy: ONNX weights are most of a file. */
function readBytes(r: protobuf.Reader): Uint8Array {
  const len = r.uint32();
  const end = r.pos + len;
  if (end > r.len) throw new RangeError(`length ${len} runs past the end`);
  const view = r.buf.subarray(r.pos, end);
  r.pos = end;
  return view;
}

function newMessage(spec: MessageSpec): Record<string, unknown> {
  const obj: Record<string, unknown> = {};
  // Indexed: decoding runs mostly unoptimised (once per process), where for-of's iterator protocol is costly.
  const names = spec.repeatedNames;
  for (let i = 0; i < names.length; i++) obj[names[i]!] = [];
  return obj;
}

function decodeInto(r: protobuf.Reader, spec: MessageSpec, end: number, depth: number): Record<string, unknown> {
  if (depth > MAX_DEPTH) throw new WireFormatError(`messages nested deeper than ${MAX_DEPTH} levels`, r.pos);
  const obj = newMessage(spec);
  while (r.pos < end) {
    const start = r.pos;
    const tag = r.uint32();
    const id = tag >>> 3;
    const wire = tag & 7;
    if (id === 0) throw new WireFormatError('field number 0 is not valid', start);
    const f = spec.byId.get(id);
    const packedForm = f?.packed && wire === 2;
    if (!f || (wire !== f.wire && !packedForm)) {
      // Unknown field, or a known number with a wire type this schema does not expect: keep it verbatim.
      r.skipType(wire);
      if (r.pos > end) throw new RangeError('field runs past the end of its message');
      let unknown = obj.$unknown as Uint8Array[] | undefined;
      if (!unknown) {
        unknown = [];
        obj.$unknown = unknown;
      }
      unknown.push(r.buf.subarray(start, r.pos));
      continue;
    }
    let value: unknown;
    if (f.kind === 'message') {
      const len = r.uint32();
      const subEnd = r.pos + len;
      if (subEnd > end) throw new RangeError(`message of length ${len} runs past the end`);
      value = decodeInto(r, f.message!, subEnd, depth + 1);
      r.pos = subEnd;
    } else if (packedForm) {
      const len = r.uint32();
      const subEnd = r.pos + len;
      if (subEnd > end) throw new RangeError(`packed field of length ${len} runs past the end`);
      const list = obj[f.name] as unknown[];
      while (r.pos < subEnd) list.push(readScalar(r, f.kind));
      if (r.pos !== subEnd) throw new RangeError('packed field ends inside an element');
      continue;
    } else {
      value = readScalar(r, f.kind);
    }
    if (r.pos > end) throw new RangeError('field runs past the end of its message');
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
  const r = protobuf.Reader.create(bytes);
  try {
    return decodeInto(r, messageSpec(name), r.len, 0) as T;
  } catch (error) {
    if (error instanceof WireFormatError) throw error;
    const why = error instanceof Error ? error.message : String(error);
    throw new WireFormatError(why.replace(/^index out of range: .*/, 'data ends in the middle of a field'), r.pos);
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
