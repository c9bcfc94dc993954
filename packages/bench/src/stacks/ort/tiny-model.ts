/**
 * A minimal ONNX protobuf writer for tiny models: the availability probe needs a model that every provider can
 * load, and tests need small models with chosen shapes, both without the graph-surgery codec. Only the fields
 * used here are written (onnx.proto field numbers in comments).
 */

/** A graph input or output: ONNX element type number (1 float, 6 int32, 7 int64, 10 float16) and dims. */
export interface TinyValue {
  name: string;
  elemType: number;
  /** Numbers are fixed dims, strings are symbolic (dynamic) dims. */
  dims: (number | string)[];
}

export interface TinyNode {
  opType: string;
  inputs: string[];
  outputs: string[];
  name?: string;
  /** Integer attributes only (e.g. Softmax `axis`). */
  intAttributes?: Record<string, number>;
}

export interface TinyModel {
  inputs: TinyValue[];
  outputs: TinyValue[];
  nodes: TinyNode[];
  /** Default opset 17. */
  opset?: number;
}

const encoder = new TextEncoder();

function varint(value: number): number[] {
  const bytes: number[] = [];
  let v = BigInt.asUintN(64, BigInt(value));
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) byte |= 0x80;
    bytes.push(byte);
  } while (v !== 0n);
  return bytes;
}

const intField = (field: number, value: number): number[] => [...varint(field << 3), ...varint(value)];
const bytesField = (field: number, payload: number[] | Uint8Array): number[] => [
  ...varint((field << 3) | 2),
  ...varint(payload.length),
  ...payload,
];
const stringField = (field: number, text: string): number[] => bytesField(field, encoder.encode(text));

function valueInfo(value: TinyValue): number[] {
  // TensorShapeProto.Dimension: dim_value = 1, dim_param = 2
  const dims = value.dims.flatMap((d) => bytesField(1, typeof d === 'number' ? intField(1, d) : stringField(2, d)));
  // TypeProto.Tensor: elem_type = 1, shape = 2
  const tensorType = [...intField(1, value.elemType), ...bytesField(2, dims)];
  // ValueInfoProto: name = 1, type = 2 (TypeProto.tensor_type = 1)
  return [...stringField(1, value.name), ...bytesField(2, bytesField(1, tensorType))];
}

function node(n: TinyNode, index: number): number[] {
  // AttributeProto: name = 1, i = 3, type = 20 (INT = 2)
  const attributes = Object.entries(n.intAttributes ?? {}).flatMap(([name, i]) =>
    bytesField(5, [...stringField(1, name), ...intField(3, i), ...intField(20, 2)]),
  );
  // NodeProto: input = 1, output = 2, name = 3, op_type = 4, attribute = 5
  return [
    ...n.inputs.flatMap((i) => stringField(1, i)),
    ...n.outputs.flatMap((o) => stringField(2, o)),
    ...stringField(3, n.name ?? `${n.opType}_${index}`),
    ...stringField(4, n.opType),
    ...attributes,
  ];
}

/** Encodes a tiny single-graph model as ONNX bytes (IR version 8). */
export function encodeTinyModel(model: TinyModel): Uint8Array {
  // GraphProto: node = 1, name = 2, input = 11, output = 12
  const graph = [
    ...model.nodes.flatMap((n, i) => bytesField(1, node(n, i))),
    ...stringField(2, 'tiny'),
    ...model.inputs.flatMap((v) => bytesField(11, valueInfo(v))),
    ...model.outputs.flatMap((v) => bytesField(12, valueInfo(v))),
  ];
  // ModelProto: ir_version = 1, producer_name = 2, graph = 7, opset_import = 8 (version = 2)
  return Uint8Array.from([
    ...intField(1, 8),
    ...stringField(2, 'tamkit-bench'),
    ...bytesField(7, graph),
    ...bytesField(8, intField(2, model.opset ?? 17)),
  ]);
}

/** The probe model: y = Relu(x) with x float32 [1, 4]. Every execution provider implements Relu. */
export const PROBE_MODEL: TinyModel = {
  inputs: [{ name: 'x', elemType: 1, dims: [1, 4] }],
  outputs: [{ name: 'y', elemType: 1, dims: [1, 4] }],
  nodes: [{ opType: 'Relu', inputs: ['x'], outputs: ['y'] }],
};
