/** The codec's wire primitives read what protobufjs writes, and refuse what runs past the end. */
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { WireReader } from '../src/onnx/wire-reader.js';

const written = (write: (w: protobuf.Writer) => protobuf.Writer) => write(protobuf.Writer.create()).finish();

describe('WireReader', () => {
  it('reads varints of every length, negative int32 (10 bytes) included', () => {
    const values = [0, 1, 127, 128, 300, 16383, 16384, 2 ** 28, 2 ** 31 - 1];
    const r = new WireReader(
      written((w) =>
        values
          .reduce((acc, v) => acc.uint32(v), w)
          .int32(-5)
          .uint32(2 ** 32 - 1),
      ),
    );
    for (const v of values) expect(r.uint32()).toBe(v);
    expect(r.uint32() | 0).toBe(-5);
    expect(r.uint32()).toBe(2 ** 32 - 1);
    expect(r.pos).toBe(r.len);
  });

  it('reads 64-bit varints as numbers while they fit in 49 bits, else as bigints', () => {
    const r = new WireReader(written((w) => w.uint64(2 ** 48 + 3).uint64('18446744073709551615')));
    expect(r.varint64()).toBe(2 ** 48 + 3);
    expect(r.varint64()).toBe(2n ** 64n - 1n);
  });

  it('reads strings (one-byte and longer lengths, non-ASCII) and bytes as views of the input', () => {
    const long = 'x'.repeat(300);
    const input = written((w) =>
      w
        .string('é名')
        .string(long)
        .bytes(new Uint8Array([1, 2, 3])),
    );
    const r = new WireReader(input);
    expect(r.string()).toBe('é名');
    expect(r.string()).toBe(long);
    const bytes = r.bytes();
    expect([...bytes]).toEqual([1, 2, 3]);
    expect(bytes.buffer).toBe(input.buffer);
  });

  it('reads fixed-width numbers little-endian', () => {
    const r = new WireReader(written((w) => w.fixed32(4000000000).sfixed32(-2).float(1.5).double(-0.25)));
    expect([r.fixed32(), r.sfixed32(), r.float(), r.double()]).toEqual([4000000000, -2, 1.5, -0.25]);
  });

  it('skips a value of each wire type, groups included', () => {
    const input = written((w) =>
      w
        .uint64('18446744073709551615') // varint
        .fixed64(1) // 8 bytes
        .string('skipped') // length-delimited
        .uint32((2 << 3) | 0) // inside group 1 (its start tag was read by the caller)
        .uint32(7)
        .uint32((1 << 3) | 4) // end group 1
        .fixed32(9) // 4 bytes
        .uint32(42),
    );
    const r = new WireReader(input);
    for (const wire of [0, 1, 2, 3, 5]) r.skip(wire);
    expect(r.uint32()).toBe(42);
  });

  it('BAD CALL - refuses reads past the end, over-long varints and unknown wire types', () => {
    expect(() => new WireReader(new Uint8Array([0x80, 0x80])).uint32()).toThrow(/runs past the end/);
    expect(() => new WireReader(new Uint8Array(11).fill(0x80)).uint32()).toThrow(/longer than 10 bytes/);
    expect(() => new WireReader(new Uint8Array([5, 0x61])).string()).toThrow(/runs past the end/);
    expect(() => new WireReader(new Uint8Array([1, 2, 3])).double()).toThrow(/runs past the end/);
    expect(() => new WireReader(new Uint8Array([0])).skip(7)).toThrow(/wire type 7/);
  });
});
