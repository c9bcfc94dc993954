/**
 * Probes: intermediate tensors exposed as extra graph outputs, to read their values or to stop an engine
 * builder from fusing across them. Existing outputs are left exactly as they were.
 */
import { ToolkitError } from '@tamkit/common';
import { makeNode, makeValueInfo } from '../graph/build.js';
import { cloneMessage } from '../graph/clone.js';
import { Graph } from '../graph/graph.js';
import { inferShapes, type TensorFacts } from '../inspect/shape-inference.js';
import type { ModelProto } from '../onnx/types.js';
import { tensorsOfPattern } from '../patterns/select.js';
import { inferElemTypes } from './support/elem-types.js';
import { definedTensors, requireGraph } from './support/model-checks.js';

/**
 * Ops whose output rank is the largest rank of their inputs (LayerNormalization: of its data input; MatMul of
 * rank >= 2 operands; Transpose, Concat, Slice keep their data rank).
 */
const ELEMENTWISE: ReadonlySet<string> = new Set([
  'Add',
  'Sub',
  'Mul',
  'Div',
  'Pow',
  'Sqrt',
  'Erf',
  'Relu',
  'Sigmoid',
  'Tanh',
  'Exp',
  'Neg',
  'Cast',
  'Identity',
  'Softmax',
  'Where',
  'LayerNormalization',
  'MatMul',
  'Transpose',
  'Concat',
  'Slice',
]);

export interface ProbeOptions {
  /** Tensor names to expose (default none). */
  tensors?: readonly string[];
  /**
   * A pattern whose key tensors to expose: attention-scores, attention, layernorm, softmax, mixed. A pattern that
   * matches nothing is a note in the report (the model is left unchanged when nothing else is asked).
   */
  pattern?: string;
}

export interface ProbeReport {
  /** Each probed tensor and the graph output that now carries it (the same name unless it is a graph input or initializer). */
  probes: { tensor: string; output: string }[];
  /** Requested tensors that were graph outputs already. */
  alreadyOutputs: string[];
  /** A pattern that matched nothing here, and what that meant. */
  notes: string[];
}

/** Adds graph outputs for the chosen tensors (the input model is not changed). */
export function probeTensors(input: ModelProto, options: ProbeOptions): { model: ModelProto; report: ProbeReport } {
  const model = cloneMessage(input);
  const proto = requireGraph(model, 'probe');
  const wanted = [...(options.tensors ?? [])];
  const notes: string[] = [];
  if (options.pattern === undefined && wanted.length === 0) {
    throw new ToolkitError('PROBE_EMPTY', 'probe: no tensors chosen', {
      remedy: 'Name tensors with --tensors or choose a --pattern.',
    });
  }
  if (options.pattern !== undefined) {
    const found = tensorsOfPattern(proto, options.pattern);
    // One pattern serves every module of a folder: a module without a match is a note, not a failure.
    if (found.length === 0) notes.push(`pattern "${options.pattern}" matches nothing in this model`);
    wanted.push(...found);
  }
  if (wanted.length === 0) {
    notes.push('no tensor chosen: the model is unchanged');
    return { model, report: { probes: [], alreadyOutputs: [], notes } };
  }
  const defined = definedTensors(proto);
  const missing = wanted.filter((t) => !defined.has(t));
  if (missing.length) {
    throw new ToolkitError('TENSOR_NOT_FOUND', `probe: no tensor named ${missing.map((m) => `"${m}"`).join(', ')}`, {
      remedy: 'Use tensor names as they appear in the model (node outputs, inputs or initializers).',
    });
  }
  const graph = new Graph(proto);
  const types = inferElemTypes(proto, graph.topologicalOrder());
  let facts: Map<string, TensorFacts> | undefined;
  const rankOf = (tensor: string, depth = 0): number | undefined => {
    facts ??= inferShapes(proto).facts;
    const known = facts.get(tensor)?.shape?.length;
    if (known !== undefined || depth > 64) return known;
    // Where static inference lost track (dynamic shape arithmetic), elementwise ops keep the broadcast rank.
    const producer = graph.producerOf(tensor);
    if (producer && producer.output[0] === tensor && ELEMENTWISE.has(producer.opType ?? '')) {
      const inputs = producer.input.filter(Boolean).map((i) => rankOf(i, depth + 1));
      if (inputs.every((r) => r !== undefined)) return Math.max(...(inputs as number[]));
    }
    if (producer?.opType === 'Reshape') {
      const target = facts.get(producer.input[1] ?? '')?.shape;
      if (target?.length === 1) return target[0];
    }
    const declared = graph.valueInfo(tensor)?.type?.tensorType?.shape?.dim.length;
    return declared;
  };
  const report: ProbeReport = { probes: [], alreadyOutputs: [], notes };
  for (const tensor of new Set(wanted)) {
    if (graph.isGraphOutput(tensor)) {
      report.alreadyOutputs.push(tensor);
      continue;
    }
    let output = tensor;
    // A graph input or initializer cannot also be an output name in every runtime; copy it through Identity.
    if (!graph.producerOf(tensor)) {
      output = graph.uniqueName(`${tensor}_probe`);
      proto.node.push(
        makeNode({
          opType: 'Identity',
          name: graph.uniqueName(`${tensor}/probe`),
          inputs: [tensor],
          outputs: [output],
        }),
      );
      graph.invalidate();
    }
    // Element type only: declared shapes of intermediates are often exporter placeholders.
    const elemType = types.get(tensor) ?? graph.valueInfo(tensor)?.type?.tensorType?.elemType;
    if (!elemType) {
      throw new ToolkitError('TENSOR_TYPE_UNKNOWN', `probe: cannot tell the element type of "${tensor}"`, {
        remedy: 'Run shape inference on the model first (onnx.shape_inference) so value_info declares it.',
      });
    }
    // A shape of the right rank with symbolic dims: the ONNX checker wants a shape on graph outputs, and
    // symbolic dims cannot contradict what the runtime computes.
    const rank = rankOf(tensor);
    proto.output.push(
      makeValueInfo(
        output,
        elemType,
        rank === undefined ? undefined : Array.from({ length: rank }, (_, i) => `${output}_dim_${i}`),
      ),
    );
    report.probes.push({ tensor, output });
  }
  return { model, report };
}
