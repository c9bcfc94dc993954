/**
 * Type-consistency checks for converted models: what ONNX Runtime's graph checker says when it loads the model,
 * and declared types (value_info, graph outputs, subgraph I/O) against the types the ops compute.
 */
import * as ort from 'onnxruntime-node';
import {
  checkSubgraphTypes,
  DataType,
  encodeModel,
  type GraphProto,
  inferElemTypes,
  type ModelProto,
  schemaTypeViolations,
  subgraphsOf,
} from '../../src/index.js';

/**
 * Loads the model in ONNX Runtime (CPU). 'ok' when a session is created; 'no-kernel' when the graph passed ORT's
 * type checks but the CPU provider has no kernel for some node (most BF16 ops); 'invalid: <message>' otherwise.
 */
export async function ortVerdict(model: ModelProto): Promise<string> {
  try {
    const session = await ort.InferenceSession.create(encodeModel(model), {
      executionProviders: ['cpu'],
      logSeverityLevel: 3,
    });
    await session.release();
    return 'ok';
  } catch (error) {
    const message = String(error);
    return /Could not find an implementation/.test(message) ? 'no-kernel' : `invalid: ${message}`;
  }
}

/**
 * Mismatches between the types each graph declares (value_info, graph outputs) and those its nodes compute, in
 * the main graph and every subgraph. Throws (through checkSubgraphTypes) where a control-flow node and its body
 * disagree. Empty when the model is consistent.
 */
export function typeMismatches(model: ModelProto): string[] {
  const problems: string[] = [];
  const visit = (graph: GraphProto, outer?: ReadonlyMap<string, number>) => {
    const types = inferElemTypes(graph, graph.node, outer);
    for (const v of [...graph.valueInfo, ...graph.output]) {
      const declared = v.type?.tensorType?.elemType;
      const computed = types.get(v.name ?? '');
      if (declared && computed !== undefined && declared !== computed) {
        problems.push(`${graph.name}: "${v.name}" declared ${declared}, computed ${computed}`);
      }
    }
    for (const n of graph.node) for (const sub of subgraphsOf(n)) visit(sub, types);
  };
  visit(model.graph!);
  checkSubgraphTypes(model.graph!);
  return problems;
}

/** Nodes (any graph) that read or write a BFLOAT16 tensor where their op's ONNX schema at `opset` does not allow it. */
export function bf16Violations(model: ModelProto, opset: number): string[] {
  const bad: string[] = [];
  const visit = (graph: GraphProto, outer?: ReadonlyMap<string, number>) => {
    const types = inferElemTypes(graph, graph.node, outer, opset);
    for (const n of graph.node) {
      const touches = [...n.input, ...n.output].some((t) => types.get(t) === DataType.BFLOAT16);
      if (touches) bad.push(...schemaTypeViolations(n, opset, (t) => types.get(t)));
      for (const sub of subgraphsOf(n)) visit(sub, types);
    }
  };
  visit(model.graph!);
  return bad;
}

/** Every float element type of the model's tensors, subgraphs included. */
export function floatTypesIn(model: ModelProto): Set<number> {
  const found = new Set<number>();
  const visit = (graph: GraphProto, outer?: ReadonlyMap<string, number>) => {
    const types = inferElemTypes(graph, graph.node, outer);
    for (const t of types.values()) {
      if (t === DataType.FLOAT || t === DataType.FLOAT16 || t === DataType.BFLOAT16) found.add(t);
    }
    for (const n of graph.node) for (const sub of subgraphsOf(n)) visit(sub, types);
  };
  visit(model.graph!);
  return found;
}
