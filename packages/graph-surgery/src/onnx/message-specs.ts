/**
 * The ONNX message specs the codec walks: field numbers, wire types, kinds and nested messages. They come from
 * the schema (schema.ts) through protobufjs, derived once ahead of time into MESSAGE_TABLE
 * (message-table.ts), so that loading a model does not parse the .proto text at every start-up; a test checks
 * that the table still is what protobufjs reads from the schema. The decoder (codec.ts) and the encoder
 * (encoder.ts) both follow them.
 */
import { MESSAGE_TABLE } from './message-table.js';

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
  /** The field's key on the wire, `id << 3 | wire`: what the decoder expects and the encoder writes. */
  tag: number;
  /** Bytes of `tag` on the wire. */
  tagSize: number;
  message?: MessageSpec;
}

export interface MessageSpec {
  readonly name: string;
  readonly fields: FieldSpec[];
  readonly byId: Map<number, FieldSpec>;
  /** The same, indexed by field number (undefined where none): the decoder's lookup, cheaper than the Map's. */
  readonly byNumber: (FieldSpec | undefined)[];
  /** Names of the repeated fields: a decoded message starts with an empty array for each. */
  readonly repeatedNames: string[];
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

/** One field as the table stores it: id, name (camelCase), kind, repeated, packed, nested message (full name). */
export type FieldRow = readonly [number, string, FieldSpec['kind'], boolean, boolean, string?];

function buildSpecs(): Map<string, MessageSpec> {
  const specs = new Map<string, MessageSpec>();
  for (const fullName of Object.keys(MESSAGE_TABLE)) {
    specs.set(fullName, {
      name: fullName.slice(fullName.lastIndexOf('.') + 1),
      fields: [],
      byId: new Map(),
      byNumber: [],
      repeatedNames: [],
    });
  }
  for (const [fullName, rows] of Object.entries(MESSAGE_TABLE)) {
    const spec = specs.get(fullName)!;
    for (const [id, name, kind, repeated, packed, nested] of rows as readonly FieldRow[]) {
      const wire = WIRE_OF[kind] ?? 0;
      const tag = ((id << 3) | wire) >>> 0;
      const tagSize = tag < 0x80 ? 1 : tag < 0x4000 ? 2 : tag < 0x200000 ? 3 : tag < 0x10000000 ? 4 : 5;
      const f: FieldSpec = { id, name, kind, repeated, packed, wire, tag, tagSize };
      if (nested !== undefined) f.message = specs.get(nested)!;
      spec.fields.push(f);
      spec.byId.set(id, f);
      while (spec.byNumber.length < id) spec.byNumber.push(undefined);
      spec.byNumber[id] = f;
      if (repeated) spec.repeatedNames.push(name);
    }
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
