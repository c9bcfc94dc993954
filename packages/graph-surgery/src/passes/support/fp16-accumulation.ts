/**
 * FP16 accumulation for `emulate-fp16 --accumulate`: a GPU FP16 MatMul kernel sums each dot product in FP16, so
 * every addition rounds the running sum, and over a long reduction (memory_attention's attention-times-values
 * MatMul sums up to 7232 products) the roundings pile up. Storage emulation rounds only the result and misses it.
 *
 * The rewrite splits the reduction axis K into chunks of `chunk` products: each chunk's partial sum is computed
 * (FP32), rounded to FP16, and added to a running sum that is rounded to FP16 after every addition. With chunk 1
 * that is a strictly sequential FP16 accumulation (each product rounded, then each sum); larger chunks model
 * kernels that add a few products before touching the accumulator (vectorised dot products, split-K tiles), and
 * run faster. The first chunk is computed before an ONNX Loop over the others, so K may be dynamic.
 */
import { emptyGraph, makeNode } from '../../graph/build.js';
import type { Graph } from '../../graph/graph.js';
import { makeTensor } from '../../onnx/tensor-data.js';
import { DataType, type NodeProto } from '../../onnx/types.js';

/** Options of the accumulation model. */
export interface AccumulationOptions {
  /** Products summed in FP32 before the running sum is updated (and rounded). 1 = sequential FP16. */
  chunk: number;
  /** MatMuls whose static reduction length is at most this are left alone (default: `chunk`, one chunk). */
  minLength?: number;
}

/** The rounding of one FP32 tensor through `low` and back, as two Cast nodes. */
function roundThrough(name: (s: string) => string, input: string, output: string, low: number): NodeProto[] {
  const half = name(`${output}_low`);
  return [
    makeNode({
      opType: 'Cast',
      name: name(`${output}/to_low`),
      inputs: [input],
      outputs: [half],
      attributes: { to: low },
    }),
    makeNode({
      opType: 'Cast',
      name: name(`${output}/to_fp32`),
      inputs: [half],
      outputs: [output],
      attributes: { to: DataType.FLOAT },
    }),
  ];
}

/**
 * The nodes that replace MatMul `node` (A [..., M, K] x B [..., K, N], output name kept): first chunk, then a Loop
 * over the remaining ceil(K / chunk) - 1 chunks with the running sum rounded through `low` after each addition.
 */
export function accumulateMatMul(graph: Graph, node: NodeProto, chunk: number, low: number): NodeProto[] {
  const [a, b] = [node.input[0] ?? '', node.input[1] ?? ''];
  const output = node.output[0] ?? '';
  const base = node.name ?? '/MatMul';
  const name = (s: string) => graph.uniqueName(s);
  const int = (label: string, values: readonly number[], dims: number[] = [values.length]) =>
    graph.addInitializer(makeTensor(name(`${base}/accumulate/${label}`), DataType.INT64, dims, values.map(BigInt)))
      .name ?? '';
  const zero = int('zero', [0]);
  const size = int('chunk', [chunk]);
  const lastAxis = int('axis_k_of_a', [-1]);
  const rowAxis = int('axis_k_of_b', [-2]);
  const scalarChunk = int('chunk_scalar', [chunk], []);
  const one = int('one', [1], []);
  const outer: NodeProto[] = [];
  const op = (opType: string, inputs: string[], label: string, attributes: Record<string, number> = {}) => {
    const out = name(`${base}/accumulate/${label}`);
    outer.push(makeNode({ opType, name: name(`${base}/accumulate/${opType}`), inputs, outputs: [out], attributes }));
    return out;
  };
  // First chunk: A[..., :chunk] @ B[..., :chunk, :], rounded.
  const firstA = op('Slice', [a, zero, size, lastAxis], 'first_a');
  const firstB = op('Slice', [b, zero, size, rowAxis], 'first_b');
  const first = op('MatMul', [firstA, firstB], 'first');
  const acc0 = name(`${base}/accumulate/sum0`);
  outer.push(...roundThrough(name, first, acc0, low));
  // Remaining chunks: ceil(K / chunk) - 1 = (K - 1) // chunk, K read from A at run time.
  const k = op('Gather', [op('Shape', [a], 'shape_a'), int('last', [-1], [])], 'k', { axis: 0 });
  const trips = op('Div', [op('Sub', [k, one], 'k_minus_one'), scalarChunk], 'trips');

  const body = emptyGraph(name(`${base}/accumulate/body`));
  const iter = name(`${base}/accumulate/i`);
  const condIn = name(`${base}/accumulate/cond_in`);
  const accIn = name(`${base}/accumulate/acc_in`);
  const condOut = name(`${base}/accumulate/cond_out`);
  const accOut = name(`${base}/accumulate/acc_out`);
  const tensor = (n: string, elemType: number, rank?: number) => ({
    name: n,
    type: {
      tensorType: {
        elemType,
        ...(rank === undefined ? {} : { shape: { dim: Array.from({ length: rank }, () => ({})) } }),
      },
    },
    metadataProps: [],
  });
  body.input.push(tensor(iter, DataType.INT64, 0), tensor(condIn, DataType.BOOL, 0), tensor(accIn, DataType.FLOAT));
  body.output.push(tensor(condOut, DataType.BOOL, 0), tensor(accOut, DataType.FLOAT));
  const inner = (opType: string, inputs: string[], label: string, attributes: Record<string, number> = {}) => {
    const out = name(`${base}/accumulate/${label}`);
    body.node.push(
      makeNode({ opType, name: name(`${base}/accumulate/body/${opType}`), inputs, outputs: [out], attributes }),
    );
    return out;
  };
  // Chunk i + 1 of the reduction: [start, start + chunk), Slice clamping the last one at K.
  const start = inner('Mul', [inner('Add', [iter, one], 'next'), scalarChunk], 'start');
  const starts = inner('Unsqueeze', [start, zero], 'starts');
  const ends = inner('Add', [starts, size], 'ends');
  const partA = inner('Slice', [a, starts, ends, lastAxis], 'part_a');
  const partB = inner('Slice', [b, starts, ends, rowAxis], 'part_b');
  const partial = inner('MatMul', [partA, partB], 'partial');
  const rounded = name(`${base}/accumulate/partial_rounded`);
  body.node.push(...roundThrough(name, partial, rounded, low));
  const sum = inner('Add', [accIn, rounded], 'sum');
  body.node.push(...roundThrough(name, sum, accOut, low));
  body.node.push(
    makeNode({
      opType: 'Identity',
      name: name(`${base}/accumulate/body/Identity`),
      inputs: [condIn],
      outputs: [condOut],
    }),
  );
  outer.push(
    makeNode({
      opType: 'Loop',
      name: name(`${base}/accumulate/Loop`),
      inputs: [trips, '', acc0],
      outputs: [output],
      attributes: { body },
    }),
  );
  return outer;
}
