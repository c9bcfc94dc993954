/**
 * The exact kernels of `specialize` against ONNX Runtime's CPU provider, bit for bit: float arithmetic on random
 * bit patterns (subnormals, huge values, signed zeros), integer arithmetic on negative operands, every Cast the
 * kernels compute, and the data-movement ops on their edge cases (negative indices and steps, INT64_MAX ends).
 * A kernel may decline a case (returns undefined: it is then left to ONNX Runtime); it must never differ.
 */
import { describe, expect, it } from 'vitest';
import { type AttributeValue, DataType, makeAttribute } from '../src/index.js';
import { OP_RULES } from '../src/specialize/kernels/index.js';
import type { Tensor } from '../src/specialize/tensor.js';
import { seededValues } from './helpers/ort-feeds.js';
import { bitPattern, runNode } from './helpers/single-node.js';

const f32 = (values: ArrayLike<number>, dims = [values.length]): Tensor => ({
  dataType: DataType.FLOAT,
  dims,
  data: Float32Array.from(values),
});
const f64 = (values: ArrayLike<number>, dims = [values.length]): Tensor => ({
  dataType: DataType.DOUBLE,
  dims,
  data: Float64Array.from(values),
});
const i64 = (values: readonly (number | bigint)[], dims = [values.length]): Tensor => ({
  dataType: DataType.INT64,
  dims,
  data: BigInt64Array.from(values, (v) => BigInt(v)),
});
const i32 = (values: readonly number[], dims = [values.length]): Tensor => ({
  dataType: DataType.INT32,
  dims,
  data: Int32Array.from(values),
});
const bool = (values: readonly number[], dims = [values.length]): Tensor => ({
  dataType: DataType.BOOL,
  dims,
  data: Uint8Array.from(values),
});

/** Finite float32 values from random bit patterns (every exponent, subnormals included) plus edge values. */
function randomFloats(count: number, seed: number): Float32Array {
  const u = seededValues(count * 2, seed, 0, 1);
  const bits = new Uint32Array(count);
  for (let i = 0; i < count; i++)
    bits[i] = Math.floor(u[2 * i]! * 2 ** 16) * 2 ** 16 + Math.floor(u[2 * i + 1]! * 2 ** 16);
  const out = new Float32Array(bits.buffer);
  const edges = [0, -0, 1, -1, 0.5, 3, 1e-45, -1e-45, 1.1754942e-38, 3.4028235e38, -3.4028235e38, 65504, 1e-8];
  edges.forEach((v, i) => {
    out[i] = v;
  });
  for (let i = 0; i < count; i++) if (!Number.isFinite(out[i]!)) out[i] = i;
  return out;
}

/** Checks the kernel against ONNX Runtime; returns whether the kernel computed the case (it may decline). */
async function agree(
  op: string,
  inputs: (Tensor | undefined)[],
  outputTypes: number[],
  attributes: Record<string, AttributeValue> = {},
  opset = 17,
): Promise<boolean> {
  const node = {
    input: inputs.map((t, i) => (t ? `in${i}` : '')),
    output: outputTypes.map((_, i) => `out${i}`),
    opType: op,
    attribute: Object.entries(attributes).map(([k, v]) => makeAttr(k, v)),
    metadataProps: [],
    deviceConfigurations: [],
  };
  const rule = OP_RULES[op]!;
  const ours = rule.kernel
    ? rule.kernel(inputs, { node, opset })
    : rule.fromShapes!(
        inputs.map((t) => t?.dims),
        { node, opset },
      );
  const theirs = await runNode(op, inputs, outputTypes, attributes, opset);
  if (!ours) return false;
  expect(ours.length).toBe(theirs.length);
  ours.forEach((t, i) => {
    expect(t.dataType, `${op} output ${i} type`).toBe(theirs[i]!.dataType);
    expect(t.dims, `${op} output ${i} dims`).toEqual(theirs[i]!.dims);
    expect(bitPattern(t), `${op} output ${i} bits`).toEqual(bitPattern(theirs[i]!));
  });
  return true;
}

const makeAttr = (k: string, v: AttributeValue) => makeAttribute(k, v);

describe('specialize kernels match ONNX Runtime bit for bit', () => {
  const a = randomFloats(2048, 1);
  const b = randomFloats(2048, 2);

  it.each(['Add', 'Sub', 'Mul', 'Div'])('FLOAT %s on random bit patterns', async (op) => {
    // 0/0 and inf-inf would be NaN (declined); keep the divisor non-zero and the operands finite.
    const divisor = Float32Array.from(b, (v) => (v === 0 ? 3 : v));
    expect(await agree(op, [f32(a), f32(op === 'Div' ? divisor : b)], [DataType.FLOAT])).toBe(true);
  });

  it.each(['Add', 'Mul', 'Div'])('DOUBLE and FLOAT %s with broadcasting', async (op) => {
    const row = Float64Array.from(b.slice(0, 64), (v) => (v === 0 ? 7.25 : v));
    expect(await agree(op, [f64(a, [32, 64]), f64(row, [64])], [DataType.DOUBLE])).toBe(true);
    expect(await agree(op, [f32(a.slice(0, 64), [4, 16]), f32([0.1], [])], [DataType.FLOAT])).toBe(true);
  });

  it.each(['Sqrt', 'Reciprocal', 'Floor', 'Ceil', 'Round', 'Neg', 'Abs', 'Sign'])('FLOAT %s', async (op) => {
    const positive = Float32Array.from(a, Math.abs);
    expect(await agree(op, [f32(op === 'Sqrt' ? positive : a)], [DataType.FLOAT])).toBe(true);
    const halves = f32([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 3.5, -0, 0.49999997]);
    if (op === 'Round') expect(await agree(op, [halves], [DataType.FLOAT])).toBe(true);
  });

  it('Sqrt of a negative number is NaN: the kernel declines (x86 and JavaScript NaNs differ in bits)', async () => {
    expect(await agree('Sqrt', [f32([4, -1])], [DataType.FLOAT])).toBe(false);
  });

  const ints = [-7, -6, -1, 0, 1, 5, 6, 7, 2 ** 31 - 1, -(2 ** 31), 123456789, -987654321];
  const divisors = [3, -3, 2, -2, 7, -7, 1, -1, 5, 4, -6, 13];
  it.each(['Add', 'Sub', 'Mul', 'Div'])('INT64 and INT32 %s, negative operands and broadcasting', async (op) => {
    expect(await agree(op, [i64(ints, [3, 4]), i64(divisors.slice(0, 4), [4])], [DataType.INT64])).toBe(true);
    const small = ints.map((v) => v % 40000);
    expect(await agree(op, [i32(small), i32(divisors)], [DataType.INT32])).toBe(true);
  });

  it.each([0, 1])('integer Mod with fmod=%i takes the sign ONNX says', async (fmod) => {
    expect(await agree('Mod', [i64(ints), i64(divisors)], [DataType.INT64], { fmod })).toBe(true);
    expect(await agree('Mod', [i32(ints.map((v) => v % 1000)), i32(divisors)], [DataType.INT32], { fmod })).toBe(true);
  });

  it('FLOAT Mod (fmod=1)', async () => {
    expect(
      await agree('Mod', [f32(a), f32(Float32Array.from(b, (v) => (v === 0 ? 3 : v)))], [DataType.FLOAT], { fmod: 1 }),
    ).toBe(true);
  });

  it.each([
    ['FLOAT', 'FLOAT16', f32(a), DataType.FLOAT16],
    ['DOUBLE', 'FLOAT', f64(Float64Array.from(a, (v, i) => v * (1 + 2 ** -30 * i))), DataType.FLOAT],
    ['DOUBLE', 'FLOAT16', f64(Float64Array.from(a, (v, i) => (v % 60000) * (1 + 2 ** -20 * i))), DataType.FLOAT16],
    ['FLOAT', 'INT32', f32(Float32Array.from(a, (v) => (Math.abs(v) < 2e9 ? v : 1.5))), DataType.INT32],
    ['FLOAT', 'INT64', f32(Float32Array.from(a, (v) => (Math.abs(v) < 9e18 ? v : -2.5))), DataType.INT64],
    ['FLOAT', 'BOOL', f32(a), DataType.BOOL],
    ['INT64', 'FLOAT', i64([...ints, 2 ** 24 + 1, 2 ** 53 - 1, -(2 ** 40) - 3]), DataType.FLOAT],
    ['INT64', 'FLOAT16', i64([...ints.map((v) => v % 70000), 2049, 4097, -65519]), DataType.FLOAT16],
    ['INT64', 'DOUBLE', i64([...ints, 2n ** 60n + 1n]), DataType.DOUBLE],
    ['INT64', 'INT32', i64([...ints, 2n ** 40n + 5n, -(2n ** 35n)]), DataType.INT32],
    ['INT32', 'INT64', i32(ints), DataType.INT64],
    ['INT32', 'INT8', i32(ints), DataType.INT8],
    ['BOOL', 'FLOAT', bool([0, 1, 1, 0]), DataType.FLOAT],
  ] as const)('Cast %s to %s', async (_from, _to, input, to) => {
    expect(await agree('Cast', [input], [to], { to })).toBe(true);
  });

  it('Cast FLOAT to BFLOAT16 (read back as FLOAT: onnxruntime-node has no bfloat16 tensors)', async () => {
    const node = (to: number) => ({
      input: ['in0'],
      output: ['out0'],
      opType: 'Cast',
      attribute: [makeAttr('to', to)],
      metadataProps: [],
      deviceConfigurations: [],
    });
    const cast = OP_RULES.Cast!.kernel!;
    const bf16 = cast([f32(a)], { node: node(DataType.BFLOAT16), opset: 17 })![0]!;
    const back = cast([bf16], { node: node(DataType.FLOAT), opset: 17 })![0]!;
    const theirs = await runNode('Cast', [f32(a)], [DataType.FLOAT], { to: DataType.BFLOAT16 }, 17, DataType.FLOAT);
    expect(bitPattern(back)).toEqual(bitPattern(theirs[0]!));
  });

  it('Cast from FLOAT16', async () => {
    const half = {
      dataType: DataType.FLOAT16,
      dims: [6],
      data: Uint16Array.of(0x3c00, 0x8000, 0x7bff, 0x0001, 0xc500, 0x3555),
    };
    expect(await agree('Cast', [half], [DataType.FLOAT], { to: DataType.FLOAT })).toBe(true);
    expect(await agree('Cast', [half], [DataType.INT64], { to: DataType.INT64 })).toBe(true);
  });

  it.each(['Equal', 'Less', 'Greater', 'LessOrEqual', 'GreaterOrEqual'])('%s on FLOAT and INT64', async (op) => {
    const x = f32([0, -0, 1, 2, -3, 1e-45, 5, 5]);
    const y = f32([-0, 0, 2, 1, -3, 0, 5, 6]);
    expect(await agree(op, [x, y], [DataType.BOOL])).toBe(true);
    expect(await agree(op, [i64(ints, [2, 6]), i64([0, -1, 7, 5, 6, -6], [6])], [DataType.BOOL])).toBe(true);
  });

  it.each(['And', 'Or', 'Xor'])('%s with broadcasting, and Not', async (op) => {
    expect(await agree(op, [bool([0, 1, 0, 1], [2, 2]), bool([1, 0], [2])], [DataType.BOOL])).toBe(true);
    expect(await agree('Not', [bool([0, 1, 1])], [DataType.BOOL])).toBe(true);
  });

  it('Where with broadcasting keeps every bit of the chosen values', async () => {
    const x = f32([-0, 1e-45, -3.5], [3]);
    expect(await agree('Where', [bool([1, 0, 1, 0], [4, 1]), x, f32([7], [])], [DataType.FLOAT])).toBe(true);
    expect(await agree('Where', [bool([1, 0, 1]), i64([1, 2, 3]), i64([-1, -2, -3])], [DataType.INT64])).toBe(true);
  });

  it.each(['Max', 'Min'])('%s on INT64 and non-zero FLOATs', async (op) => {
    expect(await agree(op, [i64(ints), i64(divisors), i64([4], [])], [DataType.INT64])).toBe(true);
    expect(await agree(op, [f32(a.slice(13, 77)), f32(b.slice(13, 77))], [DataType.FLOAT])).toBe(true);
  });

  it('data movement: Reshape, Transpose, Slice, Gather, Concat, Expand, Tile, Split, Squeeze, Unsqueeze, Flatten, OneHot', async () => {
    const x = f32(a.slice(0, 120), [2, 3, 4, 5]);
    expect(await agree('Reshape', [x, i64([0, -1, 5])], [DataType.FLOAT])).toBe(true);
    expect(await agree('Transpose', [x], [DataType.FLOAT], { perm: [2, 0, 3, 1] })).toBe(true);
    expect(await agree('Transpose', [x], [DataType.FLOAT])).toBe(true);
    const max = 2n ** 63n - 1n;
    expect(
      await agree('Slice', [x, i64([1, -1]), i64([max, -100]), i64([-1, 2]), i64([1, -2])], [DataType.FLOAT]),
    ).toBe(true);
    expect(await agree('Slice', [x, i64([0, 1]), i64([2, 3])], [DataType.FLOAT])).toBe(true);
    expect(await agree('Slice', [x, i64([-2]), i64([-(2n ** 63n)]), i64([1]), i64([-1])], [DataType.FLOAT])).toBe(true);
    expect(await agree('Gather', [x, i64([-1, 0, 2, -4], [2, 2])], [DataType.FLOAT], { axis: 2 })).toBe(true);
    expect(await agree('Gather', [i64([5, 6, 7]), i64([-1], [])], [DataType.INT64], { axis: 0 })).toBe(true);
    expect(await agree('Concat', [x, f32(b.slice(0, 40), [2, 1, 4, 5])], [DataType.FLOAT], { axis: -3 })).toBe(true);
    expect(await agree('Expand', [f32([1, -0, 3], [3, 1]), i64([2, 1, 4])], [DataType.FLOAT])).toBe(true);
    expect(await agree('Tile', [x, i64([1, 2, 1, 3])], [DataType.FLOAT])).toBe(true);
    expect(await agree('Split', [x, i64([1, 3])], [DataType.FLOAT, DataType.FLOAT], { axis: 2 })).toBe(true);
    expect(await agree('Split', [f32(a.slice(0, 7))], [DataType.FLOAT, DataType.FLOAT], { num_outputs: 2 }, 18)).toBe(
      true,
    );
    expect(await agree('Squeeze', [f32([1, 2], [1, 2, 1]), i64([0, -1])], [DataType.FLOAT])).toBe(true);
    expect(await agree('Unsqueeze', [x, i64([-1, 0])], [DataType.FLOAT])).toBe(true);
    expect(await agree('Flatten', [x], [DataType.FLOAT], { axis: -1 })).toBe(true);
    const onOff = i64([1, 5]);
    expect(await agree('OneHot', [i64([2], [1]), i64([3], []), onOff], [DataType.INT64], { axis: -1 })).toBe(true);
    expect(
      await agree('OneHot', [i64([0, -1, 7, 2], [2, 2]), i64([4], []), f32([-0.5, 2])], [DataType.FLOAT], { axis: 1 }),
    ).toBe(true);
  });

  it('shape ops: Shape (start/end), Size, ConstantOfShape, integer and float Range', async () => {
    const x = f32(a.slice(0, 24), [2, 3, 4]);
    expect(await agree('Shape', [x], [DataType.INT64])).toBe(true);
    expect(await agree('Shape', [x], [DataType.INT64], { start: -2, end: 10 })).toBe(true);
    expect(await agree('Size', [x], [DataType.INT64])).toBe(true);
    expect(await agree('ConstantOfShape', [i64([2, 3])], [DataType.FLOAT])).toBe(true);
    expect(await agree('Range', [i64([10], []), i64([-3], []), i64([-4], [])], [DataType.INT64])).toBe(true);
    expect(await agree('Range', [i32([0], []), i32([7], []), i32([2], [])], [DataType.INT32])).toBe(true);
    // Float ranges accumulate rounding (value += delta in float32), which the kernel reproduces.
    for (const [s, l, d] of [
      [0.1, 37.3, 0.3],
      [-5.25, 11.7, 0.0711],
      [1e6, 1e6 + 300, 0.7],
      [3, -4, -0.37],
    ])
      expect(await agree('Range', [f32([s!], []), f32([l!], []), f32([d!], [])], [DataType.FLOAT])).toBe(true);
  });

  it('integer reductions and float ReduceMax/ReduceMin', async () => {
    const x = i64([3, -2, 5, 7, 1, 4], [2, 3]);
    expect(await agree('ReduceProd', [x], [DataType.INT64], { keepdims: 0 }, 17)).toBe(true);
    expect(await agree('ReduceSum', [x, i64([1])], [DataType.INT64], { keepdims: 1 }, 17)).toBe(true);
    expect(
      await agree('ReduceMax', [f32(a.slice(20, 44), [4, 6]), i64([0])], [DataType.FLOAT], { keepdims: 0 }, 18),
    ).toBe(true);
  });
});
