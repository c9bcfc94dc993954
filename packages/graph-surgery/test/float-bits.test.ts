/**
 * float16 / bfloat16 conversions agree bit for bit with ONNX Runtime's Cast, including subnormals, rounding
 * ties, overflow to Inf, signed zeros and NaN.
 */
import { describe, expect, it } from 'vitest';
import {
  bfloat16BitsToFloat32,
  DataType,
  emptyGraph,
  encodeModel,
  float16BitsToFloat32,
  float32ToBfloat16Bits,
  float32ToFloat16Bits,
  makeModel,
  makeNode,
  makeTensor,
  makeValueInfo,
  readTensorValues,
} from '../src/index.js';
import { ort, runModel } from './helpers/ort.js';

/** Interesting float32 inputs: every float16 boundary region plus a seeded spread. */
function probeValues(): Float32Array {
  const v: number[] = [0, -0, 1, -1, 65504, 65519.99, 65520, -65520, 1e10, -1e10, Infinity, -Infinity, Number.NaN];
  for (let e = -30; e <= 16; e++)
    for (const m of [1, 1.0009765625, 1.00048828125, 1.5, 1.99951171875]) v.push(m * 2 ** e, -m * 2 ** e);
  for (let k = 0; k < 1024; k++) v.push(k * 2 ** -24, (k + 0.5) * 2 ** -24); // all subnormals and the ties between them
  let s = 7;
  for (let k = 0; k < 4000; k++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    v.push(((s / 2 ** 32) * 2 - 1) * 2 ** ((s % 40) - 20));
  }
  return Float32Array.from(v);
}

async function castWithOrt(values: Float32Array, to: number): Promise<Uint16Array> {
  const graph = emptyGraph('cast');
  graph.input.push(makeValueInfo('x', DataType.FLOAT, [values.length]));
  graph.output.push(makeValueInfo('y', to, [values.length]));
  graph.node.push(makeNode({ opType: 'Cast', inputs: ['x'], outputs: ['y'], attributes: { to } }));
  const out = await runModel(encodeModel(makeModel({ graph, opset: 19 })), {
    x: new ort.Tensor('float32', values, [values.length]),
  });
  const data = out.y!.data as ArrayBufferView;
  return new Uint16Array(data.buffer, data.byteOffset, values.length);
}

describe('float16 and bfloat16 conversion', () => {
  const values = probeValues();

  it('rounds float32 to float16 exactly as ONNX Runtime Cast does', async () => {
    const want = await castWithOrt(values, DataType.FLOAT16);
    const got = Uint16Array.from(values, float32ToFloat16Bits);
    const mismatches = [...values]
      .map((v, i) => [v, got[i], want[i]])
      .filter(([, g, w]) => g !== w && !(isNaNHalf(g!) && isNaNHalf(w!)));
    expect(mismatches.slice(0, 5)).toEqual([]);
  });

  it('rounds float32 to bfloat16 and back exactly as ONNX Runtime Cast does', async () => {
    // onnxruntime-node cannot hand out bfloat16 tensors, so the graph casts there and back to float32.
    const graph = emptyGraph('bf16');
    graph.input.push(makeValueInfo('x', DataType.FLOAT, [values.length]));
    graph.output.push(makeValueInfo('y', DataType.FLOAT, [values.length]));
    graph.node.push(makeNode({ opType: 'Cast', inputs: ['x'], outputs: ['b'], attributes: { to: DataType.BFLOAT16 } }));
    graph.node.push(makeNode({ opType: 'Cast', inputs: ['b'], outputs: ['y'], attributes: { to: DataType.FLOAT } }));
    const out = await runModel(encodeModel(makeModel({ graph, opset: 19 })), {
      x: new ort.Tensor('float32', values, [values.length]),
    });
    const want = out.y!.data as Float32Array;
    const got = Float32Array.from(values, (v) => bfloat16BitsToFloat32(float32ToBfloat16Bits(v)));
    const diffs = [...got]
      .map((g, i) => [values[i], g, want[i]])
      .filter(([, g, w]) => !Object.is(g, w) && !(Number.isNaN(g) && Number.isNaN(w)));
    expect(diffs.slice(0, 5)).toEqual([]);
  });

  it('decodes every float16 bit pattern to the value ONNX Runtime produces when casting back to float32', async () => {
    const bits = Uint16Array.from({ length: 65536 }, (_, i) => i);
    const graph = emptyGraph('back');
    graph.input.push(makeValueInfo('x', DataType.FLOAT16, [65536]));
    graph.output.push(makeValueInfo('y', DataType.FLOAT, [65536]));
    graph.node.push(makeNode({ opType: 'Cast', inputs: ['x'], outputs: ['y'], attributes: { to: DataType.FLOAT } }));
    const out = await runModel(encodeModel(makeModel({ graph, opset: 19 })), {
      x: new ort.Tensor('float16', bits, [65536]),
    });
    const want = out.y!.data as Float32Array;
    const got = Float32Array.from(bits, float16BitsToFloat32);
    const diffs = [...got]
      .map((g, i) => [i, g, want[i]])
      .filter(([, g, w]) => !Object.is(g, w) && !(Number.isNaN(g) && Number.isNaN(w)));
    expect(diffs.slice(0, 5)).toEqual([]);
  });

  it('stores and reads FLOAT16 and BFLOAT16 tensors through raw_data', () => {
    const values = Float32Array.from([0, 1, -2, 65504, 1e-7, 70000]);
    const half = readTensorValues(makeTensor('h', DataType.FLOAT16, [6], values)) as Float32Array;
    expect(Array.from(half)).toEqual(Array.from(values, (v) => float16BitsToFloat32(float32ToFloat16Bits(v))));
    expect(half[5]).toBe(Infinity);
    const bf = readTensorValues(makeTensor('b', DataType.BFLOAT16, [6], values)) as Float32Array;
    expect(Array.from(bf)).toEqual(Array.from(values, (v) => bfloat16BitsToFloat32(float32ToBfloat16Bits(v))));
  });
});

function isNaNHalf(b: number): boolean {
  return (b & 0x7c00) === 0x7c00 && (b & 0x3ff) !== 0;
}
