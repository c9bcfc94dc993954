/**
 * Which nodes can compute in a 16-bit float type, decided per node from its ONNX operator schema at the model's
 * opset (onnx/op-schemas.ts): a FLOAT tensor may become FLOAT16/BFLOAT16 only where the type constraint it binds
 * allows that type. What cannot is kept FLOAT: a fixed-type or non-allowing input is cast up for the node; a
 * fixed-type or non-allowing output (or one whose type is an attribute the pass does not rewrite) keeps the whole
 * node FLOAT behind Casts. Ops outside the default domain, and ops the schemas do not know at that opset, stay FLOAT.
 */
import { subgraphsOf } from '../../graph/graph.js';
import {
  Arity,
  elemTypeOfTypeString,
  formalAt,
  isDefaultDomain,
  kindOfTypeString,
  type OpSchema,
  opSchema,
} from '../../onnx/op-schemas.js';
import { dataTypeName } from '../../onnx/tensor-data.js';
import { DataType, type GraphProto, type NodeProto } from '../../onnx/types.js';

/** How a node fits a 16-bit type. */
export interface PrecisionFit {
  /** The node must compute in FLOAT (it joins the FP32 regions). */
  keepFloat: boolean;
  /** Why it must, for reports. */
  reason?: string;
  /** Inputs that must stay FLOAT although the node converts (cast up for it). */
  floatInputs: ReadonlySet<number>;
}

/**
 * Ops whose FLOAT output is typed by something other than an input of the same constraint, which the conversion
 * converts too: an attribute (Cast `to`, the dtype fixes, Constant values), a subgraph (If/Loop/Scan bodies are
 * converted with the graph), or the elements of an input container (SequenceAt of a sequence, SequenceConstruct
 * of tensors, DequantizeLinear's scale when `output_dtype` is absent).
 */
const RETYPED_OUTPUTS: ReadonlySet<string> = new Set([
  'SequenceAt',
  'SequenceConstruct',
  'SplitToSequence',
  'ConcatFromSequence',
  'OptionalGetElement',
  'DequantizeLinear',
  'If',
  'Loop',
  'Scan',
  'Cast',
  'Constant',
  'ConstantOfShape',
  'RandomNormal',
  'RandomUniform',
  'RandomNormalLike',
  'RandomUniformLike',
  'EyeLike',
  'Bernoulli',
  'SequenceEmpty',
  'Optional',
]);

const boundToInput = (schema: OpSchema, constraint: string) => schema.inputs.some((p) => p.type === constraint);

/** How `node` fits type `low` at `opset`, given the element types its tensors have before conversion. */
export function lowPrecisionFit(
  node: NodeProto,
  opset: number,
  typeOf: (name: string) => number | undefined,
  low: number,
  /** Whether a value is a sequence or optional (see `nonTensorValues`); default: every value is a tensor. */
  isNonTensor: (name: string) => boolean = () => false,
): PrecisionFit {
  const floatInputs = new Set<number>();
  const isFloat = (name: string) => name !== '' && typeOf(name) === DataType.FLOAT;
  if (!node.input.some(isFloat) && !node.output.some(isFloat)) return { keepFloat: false, floatInputs };
  const op = node.opType ?? '';
  const keep = (reason: string): PrecisionFit => ({ keepFloat: true, reason, floatInputs });
  if (!isDefaultDomain(node.domain)) return keep(`no ONNX schema for domain "${node.domain}"`);
  const schema = opSchema(op, opset);
  if (!schema) return keep(`${op} has no ONNX schema at opset ${opset}`);
  const label = `${op}-${schema.since}`;
  const lowName = dataTypeName(low).toLowerCase();
  // A sequence's elements may take a type that a tensor of the same constraint may not, and the reverse.
  const allows = (constraint: string, value: string) => {
    const split = schema.byKind.get(constraint);
    return (isNonTensor(value) ? split?.container : split?.tensor)?.has(low) ?? false;
  };
  for (const [k, output] of node.output.entries()) {
    const formal = isFloat(output) ? formalAt(schema.outputs, k) : undefined;
    if (!formal) continue;
    const allowed = schema.constraints.get(formal.type);
    if (!allowed) return keep(`${label} output "${formal.name}" is always ${formal.type}`);
    if (!allows(formal.type, output)) return keep(`${label} allows no ${lowName} for ${formal.type}`);
    if (!boundToInput(schema, formal.type) && !RETYPED_OUTPUTS.has(op)) {
      return keep(`${label} output "${formal.name}" takes its type from an attribute`);
    }
  }
  for (const [i, input] of node.input.entries()) {
    const formal = isFloat(input) ? formalAt(schema.inputs, i) : undefined;
    if (!formal) continue;
    const allowed = schema.constraints.get(formal.type);
    if (allowed && allows(formal.type, input)) continue;
    // The constraint also types an output: the node computes in its inputs' type, which cannot be `low`.
    if (allowed && schema.outputs.some((p) => p.type === formal.type)) {
      return keep(`${label} allows no ${lowName} for ${formal.type}`);
    }
    floatInputs.add(i);
  }
  return { keepFloat: false, floatInputs };
}

/** True when input `i` of `node` is fixed to FLOAT by its schema at `opset` (Resize/Upsample scales, ...). */
export function isFixedFloatInput(node: NodeProto, i: number, opset: number): boolean {
  if (!isDefaultDomain(node.domain)) return false;
  const schema = opSchema(node.opType ?? '', opset);
  const formal = schema ? formalAt(schema.inputs, i) : undefined;
  return formal !== undefined && !schema!.constraints.has(formal.type) && formal.type === 'tensor(float)';
}

/**
 * Where a node's tensor types break its schema at `opset`: each typed input and output must be of a type its
 * formal parameter allows, and tensors bound to one homogeneous constraint must agree. Empty when it conforms (or
 * when no schema is known: nothing to check against).
 */
export function schemaTypeViolations(
  node: NodeProto,
  opset: number,
  typeOf: (name: string) => number | undefined,
): string[] {
  const schema = isDefaultDomain(node.domain) ? opSchema(node.opType ?? '', opset) : undefined;
  if (!schema) return [];
  const problems: string[] = [];
  const bound = new Map<string, [string, number]>();
  const check = (names: readonly string[], params: typeof schema.inputs, side: string) => {
    names.forEach((name, i) => {
      const t = name ? typeOf(name) : undefined;
      const formal = formalAt(params, i);
      if (t === undefined || !formal) return;
      const allowed = schema.constraints.get(formal.type);
      const ok = allowed ? allowed.has(t) : elemTypeOfTypeString(formal.type) === t;
      if (!ok) problems.push(`${side} "${name}" is ${dataTypeName(t)}, which ${formal.type} does not allow`);
      if (!allowed || formal.arity === Arity.VariadicMixed) return;
      const first = bound.get(formal.type);
      if (!first) bound.set(formal.type, [name, t]);
      else if (first[1] !== t) {
        problems.push(
          `"${first[0]}" and "${name}" bind ${formal.type} to ${dataTypeName(first[1])} and ${dataTypeName(t)}`,
        );
      }
    });
  };
  check(node.input, schema.inputs, 'input');
  check(node.output, schema.outputs, 'output');
  return problems.map((p) => `${node.opType}-${schema.since} "${node.name ?? ''}": ${p}`);
}

/** Whether output `k` of an If/Loop/Scan is declared a sequence or optional by its body. */
function bodyOutputIsContainer(node: NodeProto, k: number): boolean {
  const op = node.opType;
  const body = node.attribute.find((a) => a.name === (op === 'If' ? 'then_branch' : 'body'))?.g;
  const declared = body?.output[k + (op === 'Loop' ? 1 : 0)]?.type;
  return Boolean(declared?.sequenceType || declared?.optionalType);
}

/**
 * The values of `graph` (and its subgraphs) that are sequences or optionals rather than tensors: declared so, or
 * written by an output whose schema allows no tensor (SequenceConstruct, Optional, ...), or passed on unchanged
 * from one (Identity, If/Loop outputs declared by their bodies). A Cast cannot convert them.
 */
export function nonTensorValues(graph: GraphProto, opset: number, into = new Set<string>()): Set<string> {
  for (const v of [...graph.input, ...graph.output, ...graph.valueInfo]) {
    if (v.name && (v.type?.sequenceType || v.type?.optionalType)) into.add(v.name);
  }
  for (const node of graph.node) {
    const schema = isDefaultDomain(node.domain) ? opSchema(node.opType ?? '', opset) : undefined;
    node.output.forEach((o, k) => {
      const formal = schema ? formalAt(schema.outputs, k) : undefined;
      if (!o || !formal) return;
      const kinds = schema!.kinds.get(formal.type) ?? new Set([kindOfTypeString(formal.type)]);
      if (!kinds.has('tensor')) into.add(o);
      else if (kinds.size > 1 && node.opType === 'Identity' && into.has(node.input[0] ?? '')) into.add(o);
      else if (kinds.size > 1 && bodyOutputIsContainer(node, k)) into.add(o);
    });
    for (const sub of subgraphsOf(node)) nonTensorValues(sub, opset, into);
  }
  return into;
}
