/**
 * Test helper: FP16 storage emulation for an FP32 model. Every float tensor (initializers and node outputs)
 * is rounded as FP16 storage would round it (overflow to Inf included): initializers by value, node outputs by a
 * Cast(to=FLOAT16) -> Cast(to=FLOAT) pair, which ONNX Runtime keeps at every optimisation level (see
 * shared/reference/precision.md: ORT's CPU provider runs plain FP16 chains in FP32, so a native FP16 file does
 * not show the breakage there).
 */
import {
  cloneMessage,
  DataType,
  float16BitsToFloat32,
  float32ToFloat16Bits,
  getInt,
  getTensorAttribute,
  type ModelProto,
  makeNode,
  makeTensor,
  type NodeProto,
  readFloatValues,
} from '../../src/index.js';

/** Element type of each node output, propagated from inputs (enough for torch-exported vision models). */
function outputType(node: NodeProto, typeOf: (name: string) => number | undefined): number | undefined {
  switch (node.opType) {
    case 'Constant':
      return getTensorAttribute(node, 'value')?.dataType;
    case 'Shape':
    case 'Size':
    case 'ArgMax':
    case 'ArgMin':
    case 'NonZero':
      return DataType.INT64;
    case 'Cast':
      return Number(getInt(node, 'to', DataType.FLOAT));
    case 'ConstantOfShape':
      return getTensorAttribute(node, 'value')?.dataType ?? DataType.FLOAT;
    case 'Equal':
    case 'Greater':
    case 'Less':
    case 'Not':
    case 'And':
    case 'Or':
      return DataType.BOOL;
    case 'Where':
      return typeOf(node.input[1]!);
    default:
      return typeOf(node.input[0]!);
  }
}

const roundToFloat16 = (v: number) => float16BitsToFloat32(float32ToFloat16Bits(v));

/** A copy of `model` computing with FP16 storage; the input is not changed. */
export function emulateFloat16Storage(model: ModelProto): ModelProto {
  const copy = cloneMessage(model);
  const graph = copy.graph!;
  const types = new Map<string, number>();
  for (const v of graph.input) types.set(v.name!, v.type?.tensorType?.elemType ?? DataType.FLOAT);
  graph.initializer = graph.initializer.map((t) => {
    types.set(t.name!, t.dataType ?? DataType.FLOAT);
    if (t.dataType !== DataType.FLOAT) return t;
    return makeTensor(t.name!, DataType.FLOAT, t.dims, readFloatValues(t).map(roundToFloat16));
  });
  const nodes: NodeProto[] = [];
  for (const node of graph.node) {
    nodes.push(node);
    node.output.forEach((out, k) => {
      const type = outputType(node, (n) => types.get(n));
      if (type !== undefined) types.set(out, type);
      if (type !== DataType.FLOAT || !out) return;
      const raw = `${out}__fp32`;
      const half = `${out}__fp16`;
      node.output[k] = raw;
      nodes.push(
        makeNode({
          opType: 'Cast',
          inputs: [raw],
          outputs: [half],
          name: `${out}__to_fp16`,
          attributes: { to: DataType.FLOAT16 },
        }),
      );
      nodes.push(
        makeNode({
          opType: 'Cast',
          inputs: [half],
          outputs: [out],
          name: `${out}__to_fp32`,
          attributes: { to: DataType.FLOAT },
        }),
      );
    });
  }
  graph.node = nodes;
  return copy;
}
