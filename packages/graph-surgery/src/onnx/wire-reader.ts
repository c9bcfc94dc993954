/**
 * Protobuf wire primitives for the decoder (codec.ts): varints, fixed-width numbers, strings and zero-copy byte
 * views over one input buffer. Every read checks the end of the input and throws a RangeError past it, so a
 * truncated file fails where it ends instead of reading garbage.
 *
 * Our own rather than protobufjs's Reader: the codec walks messages itself and needed only these few reads,
 * while loading protobufjs's minimal runtime (and the Long library it pulls in) cost ~6 ms of every `convert`.
 */
import type { Int64 } from './types.js';

/** Buffer's own UTF-8 slice (protobufjs uses it too): without toString's argument handling, ~6x cheaper per name. */
type TextBuffer = Buffer & { utf8Slice?: (start: number, end: number) => string };

export class WireReader {
  pos = 0;
  readonly len: number;
  /** The input as a Buffer (same memory), for its native UTF-8 decoding of short strings. */
  private readonly text: TextBuffer;
  private readonly view: DataView;

  constructor(readonly buf: Uint8Array) {
    this.len = buf.length;
    this.text = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  /** The low 32 bits of a varint, unsigned (negative int32 values are sign-extended to 10 bytes on the wire). */
  uint32(): number {
    // Most varints (tags, lengths of names and small messages) are one byte: that case first, without a loop.
    const pos = this.pos;
    if (pos < this.len) {
      const b = this.buf[pos]!;
      if (b < 0x80) {
        this.pos = pos + 1;
        return b;
      }
    }
    return this.longUint32();
  }

  private longUint32(): number {
    const buf = this.buf;
    let pos = this.pos;
    let value = 0;
    for (let shift = 0; shift < 70; shift += 7) {
      if (pos >= this.len) throw new RangeError('varint runs past the end');
      const b = buf[pos++]!;
      // Bits past 31 fall off the 32-bit shift, as protobuf's uint32 keeps only the low 32.
      if (shift < 32) value |= (b & 0x7f) << shift;
      if (b < 0x80) {
        this.pos = pos;
        return value >>> 0;
      }
    }
    throw new RangeError('varint longer than 10 bytes');
  }

  /** A 64-bit varint as a number when it fits in 49 bits, else as an unsigned bigint. */
  varint64(): bigint | number {
    if (this.pos < this.len && this.buf[this.pos]! < 0x80) return this.buf[this.pos++]!;
    const buf = this.buf;
    let pos = this.pos;
    let low = 0;
    let shift = 0;
    // Fast path: up to 7 bytes (49 bits) accumulate exactly in a double.
    for (; shift < 49; shift += 7) {
      if (pos >= this.len) throw new RangeError('varint runs past the end');
      const b = buf[pos++]!;
      low += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) {
        this.pos = pos;
        return low;
      }
    }
    let big = BigInt(low);
    for (; shift < 70; shift += 7) {
      if (pos >= this.len) throw new RangeError('varint runs past the end');
      const b = buf[pos++]!;
      big |= BigInt(b & 0x7f) << BigInt(shift);
      if (b < 0x80) {
        this.pos = pos;
        return BigInt.asUintN(64, big);
      }
    }
    throw new RangeError('varint longer than 10 bytes');
  }

  /** Advances past `n` bytes, returning where they start. */
  private take(n: number, what: string): number {
    const start = this.pos;
    if (start + n > this.len) throw new RangeError(`${what} runs past the end`);
    this.pos = start + n;
    return start;
  }

  fixed32(): number {
    return this.view.getUint32(this.take(4, 'fixed32'), true);
  }

  sfixed32(): number {
    return this.view.getInt32(this.take(4, 'sfixed32'), true);
  }

  float(): number {
    return this.view.getFloat32(this.take(4, 'float'), true);
  }

  double(): number {
    return this.view.getFloat64(this.take(8, 'double'), true);
  }

  fixed64(signed: boolean): Int64 {
    const at = this.take(8, 'fixed64');
    return signed ? this.view.getBigInt64(at, true) : this.view.getBigUint64(at, true);
  }

  /** A length prefix; the bytes it announces must lie inside the input. */
  length(): number {
    const len = this.uint32();
    if (this.pos + len > this.len) throw new RangeError(`length ${len} runs past the end`);
    return len;
  }

  /** A view into the input, never a copy: ONNX weights are most of a file. */
  bytes(): Uint8Array {
    const len = this.length();
    const start = this.pos;
    this.pos = start + len;
    return this.buf.subarray(start, start + len);
  }

  string(): string {
    // Names are short: a one-byte length inside the input is read here, anything else by length().
    let start = this.pos;
    let len = start < this.len ? this.buf[start]! : 0x80;
    if (len < 0x80 && start + 1 + len <= this.len) start++;
    else {
      len = this.length();
      start = this.pos;
    }
    this.pos = start + len;
    const text = this.text;
    return text.utf8Slice ? text.utf8Slice(start, start + len) : text.toString('utf8', start, start + len);
  }

  /** Skips one field's value of wire type `wire` (groups, wire types 3/4, are skipped whole). */
  skip(wire: number): void {
    switch (wire) {
      case 0:
        this.uint32();
        return;
      case 1:
        this.take(8, 'fixed64');
        return;
      case 2: {
        const len = this.length(); // before reading pos: the prefix moves it
        this.pos += len;
        return;
      }
      case 3:
        for (;;) {
          const tag = this.uint32();
          if ((tag & 7) === 4) return;
          this.skip(tag & 7);
        }
      case 5:
        this.take(4, 'fixed32');
        return;
      default:
        throw new RangeError(`invalid wire type ${wire} at offset ${this.pos}`);
    }
  }
}
