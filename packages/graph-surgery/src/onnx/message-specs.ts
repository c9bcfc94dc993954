/**
 * The ONNX message specs the codec walks: field numbers, wire types, kinds and nested messages, read once from
 * the schema (schema.ts) with protobufjs. The decoder (codec.ts) and the encoder (encoder.ts) both follow them.
 */
import protobuf from 'protobufjs';
import { ONNX_SCHEMA } from './schema.js';

export type ScalarKind =
  | 'double'
  | 'float'
  | 'int32'
  | 'uint32'
  | 'sint32'
  | 'fixed32'
  | 'sfixed32'
  | 'int64'
  | 'uint64'
  | 'sint64'
  | 'fixed64'
  | 'sfixed64'
  | 'bool'
  | 'string'
  | 'bytes';

export interface FieldSpec {
  id: number;
  name: string;
  kind: ScalarKind | 'enum' | 'message';
  repeated: boolean;
  packed: boolean;
  /** Wire type of one element (packed repeated fields also accept wire type 2). */
  wire: number;
  message?: MessageSpec;
}

export interface MessageSpec {
  readonly name: string;
  readonly fields: FieldSpec[];
  readonly byId: Map<number, FieldSpec>;
}

const WIRE_OF: Record<string, number> = {
  double: 1,
  fixed64: 1,
  sfixed64: 1,
  float: 5,
  fixed32: 5,
  sfixed32: 5,
  string: 2,
  bytes: 2,
  message: 2,
};

function camel(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

function buildSpecs(): Map<string, MessageSpec> {
  const root = protobuf.parse(ONNX_SCHEMA, { keepCase: true }).root;
  root.resolveAll();
  const specs = new Map<string, MessageSpec>();
  const types: protobuf.Type[] = [];
  const collect = (ns: protobuf.NamespaceBase) => {
    for (const nested of ns.nestedArray) {
      if (nested instanceof protobuf.Type) types.push(nested);
      if (nested instanceof protobuf.Namespace || nested instanceof protobuf.Type) collect(nested);
    }
  };
  collect(root);
  for (const type of types) specs.set(type.fullName, { name: type.name, fields: [], byId: new Map() });
  for (const type of types) {
    const spec = specs.get(type.fullName)!;
    for (const field of type.fieldsArray) {
      const resolved = field.resolvedType;
      const kind: FieldSpec['kind'] =
        resolved instanceof protobuf.Type
          ? 'message'
          : resolved instanceof protobuf.Enum
            ? 'enum'
            : (field.type as ScalarKind);
      const f: FieldSpec = {
        id: field.id,
        name: camel(field.name),
        kind,
        repeated: field.repeated,
        packed: field.repeated && field.packed && kind !== 'message' && kind !== 'string' && kind !== 'bytes',
        wire: WIRE_OF[kind] ?? 0,
      };
      if (resolved instanceof protobuf.Type) f.message = specs.get(resolved.fullName)!;
      spec.fields.push(f);
      spec.byId.set(f.id, f);
    }
    // Field-number order, as protobuf's own serialisers write: canonical files then round-trip byte for byte.
    spec.fields.sort((a, b) => a.id - b.id);
  }
  return specs;
}

const SPECS = buildSpecs();

/** The spec of an ONNX message by name, e.g. `ModelProto` or `TensorProto`. */
export function messageSpec(name: string): MessageSpec {
  const spec = SPECS.get(`.onnx.${name}`);
  if (!spec) throw new Error(`unknown ONNX message ${name}`);
  return spec;
}
