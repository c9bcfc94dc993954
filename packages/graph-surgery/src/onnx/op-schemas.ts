/**
 * The ONNX operator schemas of the default domain, per op version: formal inputs and outputs and the types each
 * type constraint allows. Generated from onnx.defs by `scripts/gen-onnx-op-types.py` into `op-types.json` (see
 * its header for the onnx version); never edited by hand.
 */
import table from './op-types.json' with { type: 'json' };
import { DataType, type TypeProto } from './types.js';

/** How many tensors a formal parameter takes: one, zero or one, or any number (of one type, or each its own). */
export const Arity = { Single: 0, Optional: 1, Variadic: 2, VariadicMixed: 3 } as const;

export interface FormalParam {
  name: string;
  /** A type constraint's name (`T`) or a fixed type string (`tensor(float)`). */
  type: string;
  arity: number;
}

export interface OpSchema {
  op: string;
  /** The opset version this form of the op appeared in. */
  since: number;
  inputs: FormalParam[];
  outputs: FormalParam[];
  /** Type constraint name -> element types it allows (tensor, sequence and optional forms alike). */
  constraints: Map<string, ReadonlySet<number>>;
  /** Type constraint name -> the kinds of value it allows: `tensor`, `seq`, `optional`, ... */
  kinds: Map<string, ReadonlySet<string>>;
  /** Type constraint name -> element types it allows as tensors, and inside sequences or optionals. */
  byKind: Map<string, { tensor: ReadonlySet<number>; container: ReadonlySet<number> }>;
}

/** The kind of value a type string names: `tensor`, `seq`, `optional`, `sparse_tensor` or `map`. */
export const kindOfTypeString = (type: string) => type.slice(0, type.indexOf('('));

type Entry = [number, [string, string, number][], [string, string, number][], Record<string, number[]>];
const TABLE = table as unknown as { maxOpset: number; types: string[]; ops: Record<string, Entry[]> };

/** The newest opset the table knows. */
export const SCHEMA_MAX_OPSET = TABLE.maxOpset;

const ELEM_NAMES: Record<string, number> = {
  float: DataType.FLOAT,
  uint8: DataType.UINT8,
  int8: DataType.INT8,
  uint16: DataType.UINT16,
  int16: DataType.INT16,
  int32: DataType.INT32,
  int64: DataType.INT64,
  string: DataType.STRING,
  bool: DataType.BOOL,
  float16: DataType.FLOAT16,
  double: DataType.DOUBLE,
  uint32: DataType.UINT32,
  uint64: DataType.UINT64,
  complex64: DataType.COMPLEX64,
  complex128: DataType.COMPLEX128,
  bfloat16: DataType.BFLOAT16,
};

/** The element type of a type string (`tensor(float16)`, `seq(tensor(float))`, `optional(...)`), if it has one. */
export function elemTypeOfTypeString(type: string): number | undefined {
  const m = /(?:^|\()tensor\((\w+)\)/.exec(type);
  return m ? ELEM_NAMES[m[1]!] : undefined;
}

const parsed = new Map<string, OpSchema>();

function parse(op: string, entry: Entry): OpSchema {
  const key = `${op}-${entry[0]}`;
  let schema = parsed.get(key);
  if (!schema) {
    const formal = ([name, type, arity]: [string, string, number]) => ({ name, type, arity });
    const constraints = new Map<string, ReadonlySet<number>>();
    const kinds = new Map<string, ReadonlySet<string>>();
    const byKind = new Map<string, { tensor: ReadonlySet<number>; container: ReadonlySet<number> }>();
    for (const [name, ids] of Object.entries(entry[3])) {
      const elems = new Set<number>();
      const kind = new Set<string>();
      const split = { tensor: new Set<number>(), container: new Set<number>() };
      for (const id of ids) {
        const type = TABLE.types[id] ?? '';
        const t = elemTypeOfTypeString(type);
        const k = kindOfTypeString(type);
        kind.add(k);
        if (t === undefined) continue;
        elems.add(t);
        (k === 'tensor' ? split.tensor : split.container).add(t);
      }
      constraints.set(name, elems);
      kinds.set(name, kind);
      byKind.set(name, split);
    }
    const [since, inputs, outputs] = entry;
    schema = { op, since, inputs: inputs.map(formal), outputs: outputs.map(formal), constraints, kinds, byKind };
    parsed.set(key, schema);
  }
  return schema;
}

/** The schema of a default-domain op at `opset` (its newest form at or below it), or undefined if none. */
export function opSchema(op: string, opset: number): OpSchema | undefined {
  const versions = TABLE.ops[op];
  if (!versions) return undefined;
  let found: Entry | undefined;
  for (const v of versions) if (v[0] <= opset) found = v;
  return found ? parse(op, found) : undefined;
}

/** The formal parameter the `index`th actual input or output binds to (variadic last parameters take the rest). */
export function formalAt(params: readonly FormalParam[], index: number): FormalParam | undefined {
  if (index < params.length) return params[index];
  const last = params.at(-1);
  return last && last.arity >= Arity.Variadic ? last : undefined;
}

/** True when the default domain is meant (`''` or `ai.onnx`). */
export const isDefaultDomain = (domain: string | undefined) => (domain ?? '') === '' || domain === 'ai.onnx';

/**
 * The tensor type inside a value type: the tensor itself, or the element of a sequence or optional, however
 * nested (ONNX Runtime checks sequence and optional element types as strictly as tensor types).
 */
export function innerTensorType(type: TypeProto | undefined): TypeProto['tensorType'] | undefined {
  if (!type) return undefined;
  if (type.tensorType) return type.tensorType;
  if (type.sequenceType) return innerTensorType(type.sequenceType.elemType);
  if (type.optionalType) return innerTensorType(type.optionalType.elemType);
  return undefined;
}

/** The element type a value type holds (see `innerTensorType`), or undefined. */
export const elemTypeOf = (type: TypeProto | undefined): number | undefined =>
  innerTensorType(type)?.elemType || undefined;
