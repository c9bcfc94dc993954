/**
 * A small FP32 model with an If and a Loop, built with the graph builder helpers: branches and the loop body
 * hold their own initializers, Constants and a Cast to FLOAT, and read tensors of the outer graph.
 */
import {
  DataType,
  emptyGraph,
  type GraphProto,
  type ModelProto,
  makeNode,
  makeTensor,
  makeValueInfo,
} from '../../src/index.js';
import { GraphSketch } from './graphs.js';
import type { Feed } from './ort-feeds.js';
import { seededValues } from './ort-feeds.js';

/** Names of the nodes and tensors tests refer to. */
export const CONTROL_FLOW = {
  ifNode: '/cf/If',
  loopNode: '/cf/Loop',
  bodyTanh: '/cf/body/Tanh',
  bodyCast: '/cf/body/Cast',
} as const;

function branch(name: string, build: (g: GraphProto) => string): GraphProto {
  const g = emptyGraph(name);
  const out = build(g);
  g.output.push(makeValueInfo(out, DataType.FLOAT, [2, 3]));
  return g;
}

/** x [2,3] -> MatMul -> If(flag: h*2+bias | relu(h-bias)) -> Loop(n times: v = tanh(v*decay + x@w2 + 0.1*i)) -> y, scans. */
export function controlFlowModel(): ModelProto {
  const s = new GraphSketch('/cf');
  s.input('x', DataType.FLOAT, [2, 3]);
  s.input('flag', DataType.BOOL, []);
  s.input('n', DataType.INT64, []);
  s.weight('w', [3, 3], 11);
  s.weight('bias', [3], 12);
  s.weight('w2', [3, 3], 13, 0.5);
  const h = s.op('MatMul', ['x', 'w']);
  const then = branch('then', (g) => {
    g.initializer.push(makeTensor('then_scale', DataType.FLOAT, [], [2]));
    g.node.push(makeNode({ opType: 'Mul', name: '/cf/then/Mul', inputs: [h, 'then_scale'], outputs: ['then_mul'] }));
    g.node.push(makeNode({ opType: 'Add', name: '/cf/then/Add', inputs: ['then_mul', 'bias'], outputs: ['then_out'] }));
    return 'then_out';
  });
  const otherwise = branch('else', (g) => {
    g.node.push(makeNode({ opType: 'Sub', name: '/cf/else/Sub', inputs: [h, 'bias'], outputs: ['else_sub'] }));
    g.node.push(makeNode({ opType: 'Relu', name: '/cf/else/Relu', inputs: ['else_sub'], outputs: ['else_out'] }));
    return 'else_out';
  });
  s.graph.node.push(
    makeNode({
      opType: 'If',
      name: CONTROL_FLOW.ifNode,
      inputs: ['flag'],
      outputs: ['chosen'],
      attributes: { then_branch: then, else_branch: otherwise },
    }),
  );
  const body = emptyGraph('body');
  body.input.push(makeValueInfo('i', DataType.INT64, []));
  body.input.push(makeValueInfo('c', DataType.BOOL, []));
  body.input.push(makeValueInfo('v', DataType.FLOAT, [2, 3]));
  body.initializer.push(makeTensor('decay', DataType.FLOAT, [], [0.5]));
  const node = (opType: string, name: string, inputs: string[], output: string, attributes = {}) =>
    body.node.push(makeNode({ opType, name: `/cf/body/${name}`, inputs, outputs: [output], attributes }));
  node('Constant', 'step', [], 'step', { value: makeTensor('', DataType.FLOAT, [], [0.1]) });
  node('Cast', 'Cast', ['i'], 'i_float', { to: DataType.FLOAT });
  node('Mul', 'Mul_step', ['i_float', 'step'], 'offset');
  node('Mul', 'Mul', ['v', 'decay'], 'decayed');
  node('MatMul', 'MatMul', ['x', 'w2'], 'drive');
  node('Add', 'Add', ['decayed', 'drive'], 'pre');
  node('Add', 'Add_offset', ['pre', 'offset'], 'pre2');
  node('Tanh', 'Tanh', ['pre2'], 'v_next');
  node('Identity', 'cond', ['c'], 'c_next');
  node('Mul', 'Mul_scan', ['v_next', 'decay'], 'scan_item');
  body.output.push(makeValueInfo('c_next', DataType.BOOL, []));
  body.output.push(makeValueInfo('v_next', DataType.FLOAT, [2, 3]));
  body.output.push(makeValueInfo('scan_item', DataType.FLOAT, [2, 3]));
  s.constant('keep_going', DataType.BOOL, [], [1]);
  s.graph.node.push(
    makeNode({
      opType: 'Loop',
      name: CONTROL_FLOW.loopNode,
      inputs: ['n', 'keep_going', 'chosen'],
      outputs: ['v_final', 'scans'],
      attributes: { body },
    }),
  );
  const mean = s.op('ReduceMean', ['scans'], { axes: [0], keepdims: 0 });
  s.graph.node.push(makeNode({ opType: 'Add', name: '/cf/out', inputs: ['v_final', mean], outputs: ['y'] }));
  s.output('y', DataType.FLOAT, [2, 3]);
  s.output('scans', DataType.FLOAT, ['n', 2, 3]);
  return s.model(17);
}

/** Feeds for `controlFlowModel` (`flag` picks the If branch). */
export function controlFlowFeeds(flag: boolean, type: 'float32' | 'float16' = 'float32'): Record<string, Feed> {
  return {
    x: { type, dims: [2, 3], data: seededValues(6, 21) },
    flag: { type: 'bool', dims: [], data: [flag ? 1 : 0] },
    n: { type: 'int64', dims: [], data: [4] },
  };
}

/**
 * x [4,3] scanned row by row: state s [3] = tanh(s * decay + row) with a body initializer, a scan output per row
 * (state * 2), and the outer weight `gain` read from inside the body.
 */
export function scanModel(): ModelProto {
  const s = new GraphSketch('/scan');
  s.input('rows', DataType.FLOAT, [4, 3]);
  s.weight('gain', [3], 31);
  s.constant('s0', DataType.FLOAT, [3], [0, 0, 0]);
  const body = emptyGraph('scan_body');
  body.input.push(makeValueInfo('state', DataType.FLOAT, [3]));
  body.input.push(makeValueInfo('row', DataType.FLOAT, [3]));
  body.initializer.push(makeTensor('scan_decay', DataType.FLOAT, [], [0.75]));
  const node = (opType: string, inputs: string[], output: string) =>
    body.node.push(makeNode({ opType, name: `/scan/body/${output}`, inputs, outputs: [output] }));
  node('Mul', ['state', 'scan_decay'], 'kept');
  node('Mul', ['row', 'gain'], 'driven');
  node('Add', ['kept', 'driven'], 'pre');
  node('Tanh', ['pre'], 'state_next');
  node('Add', ['state_next', 'state_next'], 'doubled');
  body.output.push(makeValueInfo('state_next', DataType.FLOAT, [3]));
  body.output.push(makeValueInfo('doubled', DataType.FLOAT, [3]));
  s.graph.node.push(
    makeNode({
      opType: 'Scan',
      name: '/scan/Scan',
      inputs: ['s0', 'rows'],
      outputs: ['final', 'per_row'],
      attributes: { body, num_scan_inputs: 1 },
    }),
  );
  s.output('final', DataType.FLOAT, [3]);
  s.output('per_row', DataType.FLOAT, [4, 3]);
  return s.model(17);
}
