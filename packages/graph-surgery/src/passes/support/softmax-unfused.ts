/** Softmax as a fused attention kernel computes it: exp(x) / sum(exp(x)), without subtracting the max first. */
import { ToolkitError } from '@tamkit/common';
import { getIntNumber } from '../../graph/attributes.js';
import { makeNode } from '../../graph/build.js';
import type { Graph } from '../../graph/graph.js';
import { makeTensor } from '../../onnx/tensor-data.js';
import { DataType, type ModelProto, type NodeProto } from '../../onnx/types.js';

function defaultOpset(model: ModelProto): number {
  const entry = model.opsetImport.find((o) => (o.domain ?? '') === '' || o.domain === 'ai.onnx');
  return Number(entry?.version ?? 0);
}

/** Replaces `softmax` (opset >= 13 semantics) by Exp -> ReduceSum(keepdims) -> Div, in place. */
export function decomposeSoftmax(graph: Graph, softmax: NodeProto, model: ModelProto): void {
  const opset = defaultOpset(model);
  if (opset < 13) {
    throw new ToolkitError(
      'OPSET_TOO_OLD',
      `emulate-fp16 --fused-attention needs opset >= 13, the model has ${opset}`,
      {
        remedy: 'Re-export the model at opset 13 or later.',
      },
    );
  }
  const x = softmax.input[0] ?? '';
  const y = softmax.output[0] ?? '';
  const base = softmax.name ?? '/Softmax';
  const exp = graph.uniqueName(`${base}/exp`);
  const sum = graph.uniqueName(`${base}/sum`);
  const axes = graph.addInitializer(
    makeTensor(`${base}/axes`, DataType.INT64, [1], [BigInt(getIntNumber(softmax, 'axis', -1))]),
  );
  const nodes = [
    makeNode({ opType: 'Exp', name: graph.uniqueName(`${base}/Exp`), inputs: [x], outputs: [exp] }),
    makeNode({
      opType: 'ReduceSum',
      name: graph.uniqueName(`${base}/ReduceSum`),
      inputs: [exp, axes.name ?? ''],
      outputs: [sum],
      attributes: { keepdims: 1 },
    }),
    makeNode({ opType: 'Div', name: graph.uniqueName(`${base}/Div`), inputs: [exp, sum], outputs: [y] }),
  ];
  const at = graph.nodes.indexOf(softmax);
  graph.proto.node.splice(at, 1, ...nodes);
  graph.invalidate();
}
