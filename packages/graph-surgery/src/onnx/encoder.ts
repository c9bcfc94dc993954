/**
 * The write side of the codec: an exact-size, two-pass protobuf encoder.
 *
 * Pass one measures every message (memoised per object), pass two writes into one buffer of exactly that size.
 * Large `bytes` fields (weights) are not copied: they are emitted as separate chunks that point at the
 * caller's buffers, so saving a model costs little more memory than the model itself, and a file is written
 * with one gathered write. (protobufjs's Writer grows a buffer by doubling and copies every weight, which made
 * saving 2-3x slower and peaked at over 4x the model size.)
 */
import type { FieldSpec, MessageSpec } from './message-specs.js';
import type { Int64 } from './types.js';

/** Byte fields at least this large become their own chunk instead of being copied. */
const LARGE_BYTES = 64 * 1024;

function varint32Size(v: number): number {
  if (v < 0) return 10; // negative int32/enum values are sign-extended to 64 bits on the wire
  if (v < 0x80) return 1;
  if (v < 0x4000) return 2;
  if (v < 0x200000) return 3;
  if (v < 0x10000000) return 4;
  return 5;
}

/**
 * Strings shorter than this are measured and, when ASCII, copied in JavaScript: ONNX names are short and ASCII,
 * and for them Buffer's byteLength/write cost more in argument checks than the copy (thousands per model).
 */
const SHORT_STRING = 64;

/** UTF-8 length of `s`. */
function utf8Length(s: string): number {
  if (s.length < SHORT_STRING) {
    let i = 0;
    while (i < s.length && s.charCodeAt(i) < 0x80) i++;
    if (i === s.length) return i;
  }
  return Buffer.byteLength(s, 'utf8');
}

function varint64Size(v: Int64): number {
  if (typeof v === 'number' && v >= 0 && v < 0x10000000) return varint32Size(v);
  let u = BigInt.asUintN(64, BigInt(v));
  let n = 1;
  while (u >= 0x80n) {
    u >>= 7n;
    n++;
  }
  return n;
}

function zigzag64(v: Int64): bigint {
  const x = BigInt(v);
  return BigInt.asUintN(64, (x << 1n) ^ (x >> 63n));
}

/** Encoded size of one scalar value. The cases run in order, so the kinds ONNX uses most come first. */
function scalarSize(kind: FieldSpec['kind'], v: unknown): number {
  switch (kind) {
    case 'string': {
      const len = utf8Length(v as string);
      return varint32Size(len) + len;
    }
    case 'int64':
    case 'uint64':
      return varint64Size(v as Int64);
    case 'int32':
    case 'enum':
      return varint32Size(v as number);
    case 'bytes': {
      const len = (v as Uint8Array).byteLength;
      return varint32Size(len) + len;
    }
    case 'float':
    case 'fixed32':
    case 'sfixed32':
      return 4;
    case 'uint32':
      return varint32Size((v as number) >>> 0);
    case 'sint32':
      return varint32Size((((v as number) << 1) ^ ((v as number) >> 31)) >>> 0);
    case 'sint64':
      return varint64Size(zigzag64(v as Int64));
    case 'bool':
      return 1;
    case 'double':
    case 'fixed64':
    case 'sfixed64':
      return 8;
    default:
      throw new Error(`not a scalar: ${kind}`);
  }
}

/**
 * Pass one. Sizes are kept in the order pass two needs them (a message's size before its fields, a packed list's
 * body before its items: pre-order), so pass two reads them back with a cursor instead of looking each object up.
 * The loops are indexed, not for-of: a model is saved once per process, so this code runs mostly unoptimised,
 * where for-of's iterator protocol and Map lookups cost more than the encoding itself.
 */
class Sizer {
  readonly sizes: number[] = [];
  /** Bytes of large byte fields, which are not copied into the output buffer. */
  largeBytes = 0;

  message(spec: MessageSpec, obj: Record<string, unknown>): number {
    const slot = this.sizes.length;
    this.sizes.push(0);
    let size = 0;
    const fields = spec.fields;
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i]!;
      const value = obj[f.name];
      if (value === undefined || value === null) continue;
      if (!f.repeated) {
        size += f.tagSize + this.value(f, value);
        continue;
      }
      const list = value as unknown[];
      if (list.length === 0) continue;
      if (f.packed) {
        const bodySlot = this.sizes.length;
        this.sizes.push(0);
        let body = 0;
        for (let k = 0; k < list.length; k++) body += scalarSize(f.kind, list[k]);
        this.sizes[bodySlot] = body;
        size += f.tagSize + varint32Size(body) + body;
      } else for (let k = 0; k < list.length; k++) size += f.tagSize + this.value(f, list[k]);
    }
    const unknown = obj.$unknown as Uint8Array[] | undefined;
    if (unknown) for (let k = 0; k < unknown.length; k++) size += unknown[k]!.byteLength;
    this.sizes[slot] = size;
    return size;
  }

  /** Size of one value of field `f`, without its tag. */
  private value(f: FieldSpec, value: unknown): number {
    const kind = f.kind;
    // Names and small messages, most of the values, without a call per step (this code runs unoptimised).
    if (kind === 'string') {
      const len = utf8Length(value as string);
      return (len < 0x80 ? 1 : varint32Size(len)) + len;
    }
    if (kind === 'message') {
      const inner = this.message(f.message!, value as Record<string, unknown>);
      return (inner < 0x80 ? 1 : varint32Size(inner)) + inner;
    }
    if (kind === 'bytes' && (value as Uint8Array).byteLength >= LARGE_BYTES)
      this.largeBytes += (value as Uint8Array).byteLength;
    return scalarSize(kind, value);
  }
}

class ChunkWriter {
  private pos = 0;
  private segmentStart = 0;
  /** Cursor into the sizer's pre-order sizes. */
  private next = 0;
  readonly chunks: Uint8Array[] = [];
  private readonly view: DataView;

  constructor(
    private readonly buf: Buffer,
    private readonly sizes: readonly number[],
  ) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  finish(): Uint8Array[] {
    if (this.pos > this.segmentStart) this.chunks.push(this.buf.subarray(this.segmentStart, this.pos));
    return this.chunks;
  }

  private varint32(v: number): void {
    if (v < 0) {
      this.varint64(v);
      return;
    }
    while (v >= 0x80) {
      this.buf[this.pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.buf[this.pos++] = v;
  }

  private varint64(v: Int64 | bigint): void {
    if (typeof v === 'number' && v >= 0 && v <= 0x7fffffff) {
      this.varint32(v);
      return;
    }
    let u = BigInt.asUintN(64, BigInt(v));
    while (u >= 0x80n) {
      this.buf[this.pos++] = Number(u & 0x7fn) | 0x80;
      u >>= 7n;
    }
    this.buf[this.pos++] = Number(u);
  }

  private bytes(value: Uint8Array): void {
    this.varint32(value.byteLength);
    if (value.byteLength >= LARGE_BYTES) {
      // Close the current segment and reference the caller's bytes directly.
      this.chunks.push(this.buf.subarray(this.segmentStart, this.pos), value);
      this.segmentStart = this.pos;
      return;
    }
    this.buf.set(value, this.pos);
    this.pos += value.byteLength;
  }

  /** One scalar value. The cases run in order, so the kinds ONNX uses most come first. */
  private scalar(kind: FieldSpec['kind'], v: unknown): void {
    switch (kind) {
      case 'string':
        this.string(v as string);
        return;
      case 'int64':
      case 'uint64':
        this.varint64(v as Int64);
        return;
      case 'int32':
      case 'enum':
        this.varint32(v as number);
        return;
      case 'bytes':
        this.bytes(v as Uint8Array);
        return;
      case 'float':
        this.view.setFloat32(this.pos, v as number, true);
        this.pos += 4;
        return;
      case 'uint32':
        this.varint32((v as number) >>> 0);
        return;
      case 'sint32':
        this.varint32((((v as number) << 1) ^ ((v as number) >> 31)) >>> 0);
        return;
      case 'sint64':
        this.varint64(zigzag64(v as Int64));
        return;
      case 'bool':
        this.buf[this.pos++] = v ? 1 : 0;
        return;
      case 'fixed32':
        this.view.setUint32(this.pos, (v as number) >>> 0, true);
        this.pos += 4;
        return;
      case 'sfixed32':
        this.view.setInt32(this.pos, v as number, true);
        this.pos += 4;
        return;
      case 'double':
        this.view.setFloat64(this.pos, v as number, true);
        this.pos += 8;
        return;
      case 'fixed64':
      case 'sfixed64':
        this.view.setBigUint64(this.pos, BigInt.asUintN(64, BigInt(v as Int64)), true);
        this.pos += 8;
        return;
      default:
        throw new Error(`not a scalar: ${kind}`);
    }
  }

  private string(s: string): void {
    const len = utf8Length(s);
    const buf = this.buf;
    let pos = this.pos;
    if (len < 0x80) buf[pos++] = len;
    else {
      this.varint32(len);
      pos = this.pos;
    }
    if (len === s.length && len < SHORT_STRING) {
      // All ASCII (UTF-8 is longer than the UTF-16 length for any other character): copy the codes.
      for (let i = 0; i < len; i++) buf[pos + i] = s.charCodeAt(i);
      this.pos = pos + len;
    } else this.pos = pos + buf.write(s, pos, 'utf8');
  }

  /** Writes the fields of a message whose size the sizer recorded at the cursor (the caller wrote it). */
  message(spec: MessageSpec, obj: Record<string, unknown>): void {
    this.next++; // this message's own size
    const fields = spec.fields;
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i]!;
      const value = obj[f.name];
      if (value === undefined || value === null) continue;
      if (!f.repeated) {
        this.field(f, value);
        continue;
      }
      const list = value as unknown[];
      if (list.length === 0) continue;
      if (f.packed) {
        this.varint32(((f.id << 3) | 2) >>> 0);
        this.varint32(this.sizes[this.next++]!);
        for (let k = 0; k < list.length; k++) this.scalar(f.kind, list[k]);
      } else for (let k = 0; k < list.length; k++) this.field(f, list[k]);
    }
    const unknown = obj.$unknown as Uint8Array[] | undefined;
    if (unknown) {
      for (let k = 0; k < unknown.length; k++) {
        const raw = unknown[k]!;
        this.buf.set(raw, this.pos);
        this.pos += raw.byteLength;
      }
    }
  }

  private field(f: FieldSpec, value: unknown): void {
    // Field numbers up to 15 make one-byte tags: every ONNX field that is written often.
    if (f.tag < 0x80) this.buf[this.pos++] = f.tag;
    else this.varint32(f.tag);
    const kind = f.kind;
    if (kind === 'string') this.string(value as string);
    else if (kind === 'message') {
      const size = this.sizes[this.next]!;
      if (size < 0x80) this.buf[this.pos++] = size;
      else this.varint32(size);
      this.message(f.message!, value as Record<string, unknown>);
    } else this.scalar(kind, value);
  }
}

/**
 * Encodes `obj` as message `spec` into chunks whose concatenation is the encoding; large byte fields are the
 * caller's own buffers (do not mutate them until the chunks are written).
 */
export function encodeChunks(spec: MessageSpec, obj: object): { chunks: Uint8Array[]; size: number } {
  const sizer = new Sizer();
  const size = sizer.message(spec, obj as Record<string, unknown>);
  const writer = new ChunkWriter(Buffer.allocUnsafe(size - sizer.largeBytes), sizer.sizes);
  writer.message(spec, obj as Record<string, unknown>);
  return { chunks: writer.finish(), size };
}
