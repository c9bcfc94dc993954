/**
 * Constructors for ONNX messages with every repeated field present, so hand-built messages look exactly like
 * decoded ones.
 */
import { emptyTensorFields } from '../onnx/tensor-data.js';
import {
  type AttributeProto,
  AttributeType,
  type GraphProto,
  type Int64,
  type ModelProto,
  type NodeProto,
  type TensorProto,
  type TypeProto,
  type ValueInfoProto,
} from '../onnx/types.js';

export type AttributeValue =
  | number
  | bigint
  | string
  | Uint8Array
  | TensorProto
  | GraphProto
  | readonly number[]
  | readonly bigint[]
  | readonly string[]
  | { floats: readonly number[] }
  | { ints: readonly Int64[] }
  | { float: number };

export function emptyAttribute(name: string): AttributeProto {
  return {
    name,
    floats: [],
    ints: [],
    strings: [],
    tensors: [],
    graphs: [],
    sparseTensors: [],
    typeProtos: [],
  };
}

function isTensor(v: object): v is TensorProto {
  return 'dims' in v && 'floatData' in v;
}

/**
 * Builds an attribute. Numbers that are whole become INT, others FLOAT; use `{ float: 1 }` for a whole float,
 * `{ floats: [...] }` / `{ ints: [...] }` for lists that could be read either way.
 */
export function makeAttribute(name: string, value: AttributeValue): AttributeProto {
  const a = emptyAttribute(name);
  if (typeof value === 'number') {
    if (Number.isInteger(value)) Object.assign(a, { type: AttributeType.INT, i: value });
    else Object.assign(a, { type: AttributeType.FLOAT, f: value });
  } else if (typeof value === 'bigint') Object.assign(a, { type: AttributeType.INT, i: value });
  else if (typeof value === 'string')
    Object.assign(a, { type: AttributeType.STRING, s: new TextEncoder().encode(value) });
  else if (value instanceof Uint8Array) Object.assign(a, { type: AttributeType.STRING, s: value });
  else if (Array.isArray(value)) {
    if (value.every((v) => typeof v === 'string')) {
      Object.assign(a, { type: AttributeType.STRINGS, strings: value.map((s) => new TextEncoder().encode(s)) });
    } else if (value.every((v) => typeof v === 'bigint' || Number.isInteger(v))) {
      Object.assign(a, { type: AttributeType.INTS, ints: [...value] });
    } else Object.assign(a, { type: AttributeType.FLOATS, floats: [...value] });
  } else if ('floats' in value) Object.assign(a, { type: AttributeType.FLOATS, floats: [...value.floats] });
  else if ('ints' in value) Object.assign(a, { type: AttributeType.INTS, ints: [...value.ints] });
  else if ('float' in value) Object.assign(a, { type: AttributeType.FLOAT, f: value.float });
  else if (isTensor(value)) Object.assign(a, { type: AttributeType.TENSOR, t: value });
  else Object.assign(a, { type: AttributeType.GRAPH, g: value });
  return a;
}

export interface NodeSpec {
  opType: string;
  inputs: readonly string[];
  outputs: readonly string[];
  name?: string;
  domain?: string;
  attributes?: Record<string, AttributeValue | undefined>;
}

export function makeNode(spec: NodeSpec): NodeProto {
  const node: NodeProto = {
    input: [...spec.inputs],
    output: [...spec.outputs],
    opType: spec.opType,
    attribute: [],
    metadataProps: [],
    deviceConfigurations: [],
  };
  if (spec.name !== undefined) node.name = spec.name;
  if (spec.domain !== undefined) node.domain = spec.domain;
  for (const [k, v] of Object.entries(spec.attributes ?? {}))
    if (v !== undefined) node.attribute.push(makeAttribute(k, v));
  return node;
}

/** A dim is a number (fixed), a string (symbolic), or null (unknown). */
export type Dim = number | string | null;

export function makeTensorType(elemType: number, shape?: readonly Dim[]): TypeProto {
  const type: TypeProto = { tensorType: { elemType } };
  if (shape) {
    type.tensorType!.shape = {
      dim: shape.map((d) => (d === null ? {} : typeof d === 'number' ? { dimValue: d } : { dimParam: d })),
    };
  }
  return type;
}

export function makeValueInfo(name: string, elemType: number, shape?: readonly Dim[]): ValueInfoProto {
  return { name, type: makeTensorType(elemType, shape), metadataProps: [] };
}

export function emptyGraph(name: string): GraphProto {
  return {
    name,
    node: [],
    initializer: [],
    sparseInitializer: [],
    input: [],
    output: [],
    valueInfo: [],
    quantizationAnnotation: [],
    metadataProps: [],
  };
}

export interface ModelSpec {
  graph: GraphProto;
  /** Default-domain opset (default 17). */
  opset?: number;
  extraOpsets?: { domain: string; version: number }[];
  irVersion?: number;
  producerName?: string;
  producerVersion?: string;
}

export function makeModel(spec: ModelSpec): ModelProto {
  return {
    irVersion: spec.irVersion ?? 8,
    opsetImport: [{ domain: '', version: spec.opset ?? 17 }, ...(spec.extraOpsets ?? [])],
    producerName: spec.producerName ?? 'tamkit',
    producerVersion: spec.producerVersion ?? '0.1.0',
    graph: spec.graph,
    metadataProps: [],
    trainingInfo: [],
    functions: [],
    configuration: [],
  };
}

export { emptyTensorFields };
